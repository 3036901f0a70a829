import { CfnOutput } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { Construct } from 'constructs';

export interface ApiDomainProps {
  api: apigw.RestApi;
  domainName: string;
  /** An existing certificate; without it one is requested with DNS validation (no hosted-zone lookup). */
  certificateArn?: string;
}

/** The only way into the API: a custom domain that refuses anything below TLS 1.2 [PP-10]. */
export class ApiDomain extends Construct {
  readonly domain: apigw.DomainName;
  readonly certificate: acm.ICertificate;

  constructor(scope: Construct, id: string, props: ApiDomainProps) {
    super(scope, id);
    this.certificate = props.certificateArn
      ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn)
      : // Deployment waits until ops publish the validation CNAME shown in the ACM console.
        new acm.Certificate(this, 'Certificate', {
          domainName: props.domainName,
          validation: acm.CertificateValidation.fromDns(),
        });
    this.domain = new apigw.DomainName(this, 'DomainName', {
      domainName: props.domainName,
      certificate: this.certificate,
      endpointType: apigw.EndpointType.REGIONAL,
      securityPolicy: apigw.SecurityPolicy.TLS_1_2,
    });
    this.domain.addBasePathMapping(props.api, { stage: props.api.deploymentStage });
    new CfnOutput(this, 'DnsTarget', {
      description: `Point ${props.domainName} (CNAME or alias) at this regional domain`,
      value: this.domain.domainNameAliasDomainName,
    });
  }
}
