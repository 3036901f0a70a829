import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type { Construct } from 'constructs';
import type { IdentityStack } from '#infra/identity/identity-stack';
import { type AppConfig, CLOUDFRONT_REGION, consoleUrl } from '#infra/shared/app-config';
import { LogEncryption } from '#infra/shared/log-encryption';
import { ConsoleFirewall } from './console-firewall';
import { ConsoleSite } from './console-site';

export interface ConsoleStackProps extends StackProps {
  config: AppConfig;
  identity: IdentityStack;
  /** Where browsers PUT upload-session parts: the imaging bucket's regional https origin. */
  uploadOrigin: string;
  /** The built console; defaults to `buildConsole()`. */
  consoleDir?: string;
}

/** Requests per 5 minutes from one IP: a page load is four requests, so this only stops floods. */
const CONSOLE_PER_IP_RATE_LIMIT = 2000;

/**
 * Stateless: the web console behind CloudFront. CloudFront takes certificates and web ACLs only from
 * us-east-1: in that region this stack requests the certificate and creates the web ACL itself; in any
 * other, the certificate must be given (consoleCertificateArn) and the web ACL may be (consoleWebAclArn).
 */
export class ConsoleStack extends Stack {
  readonly site: ConsoleSite;
  readonly firewall: ConsoleFirewall | undefined;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    const { config } = props;
    const url = consoleUrl(config);
    const inCloudFrontRegion = this.region === CLOUDFRONT_REGION;
    if (!inCloudFrontRegion && !config.consoleCertificateArn) {
      throw new Error(
        `consoleCertificateArn is required when primaryRegion is ${this.region}: CloudFront only uses certificates from ${CLOUDFRONT_REGION}`,
      );
    }
    const certificate = config.consoleCertificateArn
      ? acm.Certificate.fromCertificateArn(this, 'Certificate', config.consoleCertificateArn)
      : // Deployment waits until ops publish the validation CNAME shown in the ACM console.
        new acm.Certificate(this, 'Certificate', {
          domainName: new URL(url).host,
          validation: acm.CertificateValidation.fromDns(),
        });
    const logEncryption = new LogEncryption(this, 'LogEncryption', { description: 'PACScribe console logs' });
    this.firewall = inCloudFrontRegion
      ? new ConsoleFirewall(this, 'Firewall', {
          perIpRateLimit: CONSOLE_PER_IP_RATE_LIMIT,
          logEncryption,
          stageName: config.stage,
        })
      : undefined;
    const webAclArn = this.firewall?.webAcl.attrArn ?? config.consoleWebAclArn;

    this.site = new ConsoleSite(this, 'Site', {
      consoleUrl: url,
      apiOrigin: `https://${config.domainName}`,
      uploadOrigin: props.uploadOrigin,
      customers: props.identity.customers,
      certificate,
      logEncryption,
      ...(webAclArn ? { webAclArn } : {}),
      ...(props.consoleDir ? { consoleDir: props.consoleDir } : {}),
    });
    if (!webAclArn) {
      Validations.of(this.site.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason: `No consoleWebAclArn was given and a CLOUDFRONT web ACL cannot be created in ${this.region} (only in ${CLOUDFRONT_REGION}); the console is static public files, and the API it calls keeps its own regional WAF.`,
      });
    }
    new CfnOutput(this, 'DnsTarget', {
      description: `Point ${new URL(url).host} (CNAME or alias) at this CloudFront domain`,
      value: this.site.distribution.distributionDomainName,
    });
  }
}
