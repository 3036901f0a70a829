import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { LogEncryption } from './log-encryption';

/**
 * The AWS services PHI functions call, each reached through an interface endpoint with private DNS, so
 * the SDK's default hostnames resolve inside the VPC. S3 and DynamoDB use (free) gateway endpoints.
 * CloudWatch Logs is absent on purpose: Lambda ships a function's logs itself, not through its ENI.
 */
export const INTERFACE_ENDPOINT_SERVICES = {
  Kms: ec2.InterfaceVpcEndpointAwsService.KMS,
  StepFunctions: ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS,
  /**
   * Invoking the relays outside the VPC: the pools' JWKS (token verification) and an organization's
   * Stripe invoices (the export). No cognito-idp endpoint: it does not serve pools with a domain, and the
   * functions calling Cognito's Admin* API run outside the VPC (docs/capacity.md, Isolation).
   */
  Lambda: ec2.InterfaceVpcEndpointAwsService.LAMBDA,
  /** The SES API (v2: SendEmail, contact lists), not the SMTP interface. */
  Email: ec2.InterfaceVpcEndpointAwsService.EMAIL,
  SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  /** Active tracing: the segments of a function in a VPC leave through the VPC. */
  XRay: ec2.InterfaceVpcEndpointAwsService.XRAY,
} as const;

export interface PrivateNetworkProps {
  /** Subnets (and interface-endpoint network interfaces) in this many of the region's zones. */
  zoneCount: number;
  /** The replica region: the purge deletes object versions in its bucket (cross-region S3 endpoint). */
  replicaRegion: string;
  logEncryption: LogEncryption;
}

/**
 * Where functions that touch PHI run [PP-18]: private isolated subnets (no internet gateway, no NAT, no
 * route beyond the VPC and the gateway endpoints), VPC endpoints for every AWS service those functions
 * call, and one security group for the functions that the endpoints alone admit. Flow logs record every
 * accepted and rejected connection.
 */
export class PrivateNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly subnets: ec2.SubnetSelection;
  /** Carried by every function in the VPC; HTTPS out only. */
  readonly functionSecurityGroup: ec2.SecurityGroup;
  /** On the interface endpoints; admits HTTPS from the functions' group and nothing else. */
  readonly endpointSecurityGroup: ec2.SecurityGroup;
  readonly gatewayEndpoints: Readonly<Record<'S3' | 'DynamoDb', ec2.GatewayVpcEndpoint>>;
  readonly interfaceEndpoints: Readonly<Record<string, ec2.InterfaceVpcEndpoint>>;
  readonly flowLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.80.0.0/16'),
      // The zones come from the stack (resolved at deploy time, see DataStack.availabilityZones).
      maxAzs: props.zoneCount,
      // Isolated subnets only: CDK then creates neither an internet gateway nor NAT gateways.
      natGateways: 0,
      subnetConfiguration: [{ name: 'Functions', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 }],
      // Endpoint private DNS needs both.
      enableDnsHostnames: true,
      enableDnsSupport: true,
    });
    this.subnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

    this.flowLogGroup = props.logEncryption.createLogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
    });
    // The L1 flow log with a role of our own: the L2 one also acknowledges CloudFormation lint rules
    // on our behalf, which the nag gate cannot tell from a stale acknowledgement of ours.
    const flowLogRole = new iam.Role(this, 'FlowLogRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com'),
      description: 'Delivers PACScribe VPC flow logs to their log group',
    });
    flowLogRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [this.flowLogGroup.logGroupArn],
      }),
    );
    Validations.of(flowLogRole).acknowledge({
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        "The inline policy is the flow-log delivery role's own grant: write to this VPC's flow-log group, nothing else; it is not shared.",
    });
    new ec2.CfnFlowLog(this, 'FlowLog', {
      resourceId: this.vpc.vpcId,
      resourceType: 'VPC',
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logGroupName: this.flowLogGroup.logGroupName,
      deliverLogsPermissionArn: flowLogRole.roleArn,
    });

    this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: 'PACScribe PHI functions: HTTPS to VPC endpoints only',
      allowAllOutbound: false,
    });
    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'PACScribe VPC interface endpoints: HTTPS from the PHI functions only',
      allowAllOutbound: false,
    });
    this.endpointSecurityGroup.addIngressRule(
      this.functionSecurityGroup,
      ec2.Port.tcp(443),
      'HTTPS from the PHI functions',
    );
    this.functionSecurityGroup.addEgressRule(
      this.endpointSecurityGroup,
      ec2.Port.tcp(443),
      'HTTPS to the interface endpoints',
    );
    // S3 and DynamoDB answer on public addresses reached through the gateway endpoints' routes. Their
    // prefix lists have no CloudFormation attribute (only a lookup, which would need credentials at
    // synth), so HTTPS is allowed to any address: the subnets route nowhere else, so it reaches nothing else.
    this.functionSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to the S3 and DynamoDB gateway endpoints (the only non-local routes)',
    );

    this.gatewayEndpoints = {
      S3: this.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 }),
      DynamoDb: this.vpc.addGatewayEndpoint('DynamoDb', {
        service: ec2.GatewayVpcEndpointAwsService.DYNAMODB,
      }),
    };

    const interfaceEndpoint = (
      name: string,
      service: ec2.IInterfaceVpcEndpointService,
      options: Pick<ec2.InterfaceVpcEndpointOptions, 'serviceRegion'> = {},
    ) =>
      new ec2.InterfaceVpcEndpoint(this, name, {
        vpc: this.vpc,
        service,
        subnets: this.subnets,
        privateDnsEnabled: true,
        securityGroups: [this.endpointSecurityGroup],
        // Not open to the whole VPC: only the functions' group, by the rule above.
        open: false,
        ...options,
      });
    const endpoints: Record<string, ec2.InterfaceVpcEndpoint> = {};
    for (const [name, service] of Object.entries(INTERFACE_ENDPOINT_SERVICES)) {
      endpoints[name] = interfaceEndpoint(name, service);
    }
    // The purge deletes object versions in the replica bucket; a gateway endpoint serves its own region
    // only, so the replica region's S3 is reached over cross-region PrivateLink.
    endpoints.ReplicaS3 = interfaceEndpoint(
      'ReplicaS3',
      new ec2.InterfaceVpcEndpointService(`com.amazonaws.${props.replicaRegion}.s3`, 443),
      { serviceRegion: props.replicaRegion },
    );
    this.interfaceEndpoints = endpoints;
  }

  /** The Lambda props that place a function here. */
  functionPlacement(): {
    vpc: ec2.IVpc;
    vpcSubnets: ec2.SubnetSelection;
    securityGroups: ec2.ISecurityGroup[];
  } {
    return { vpc: this.vpc, vpcSubnets: this.subnets, securityGroups: [this.functionSecurityGroup] };
  }
}

/** `vpcIsolation=false`: every function runs outside a VPC, as before the isolation item. */
export const ISOLATION_OFF = Object.freeze({ isolationOff: true as const });

/** A function that stays outside the VPC while isolation is on, and why it holds no PHI. */
export interface OutsideVpc {
  readonly outsideVpc: string;
}

/**
 * Where a PacsFunction runs; required at every creation site so none is placed by accident. A PHI
 * function passes the stack-wide placement (the private network, or ISOLATION_OFF); only a function
 * that holds no PHI may say `{ outsideVpc: why }`.
 */
export type FunctionNetwork = PrivateNetwork | typeof ISOLATION_OFF | OutsideVpc;
