import { ArnFormat, CfnOutput, Stack } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { MailSenderRef } from '#infra/shared/pacs-function';

/**
 * The SES v2 sending setup for transactional mail: a domain identity with DKIM and a custom MAIL FROM,
 * and a configuration set that refuses to deliver without TLS [PP-10], tracks reputation and
 * suppresses bounced/complaining addresses.
 */
export class MailSending extends Construct implements MailSenderRef {
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  readonly fromAddress: string;
  readonly configurationSetName: string;
  readonly identityArn: string;
  readonly configurationSetArn: string;

  constructor(scope: Construct, id: string, props: { fromAddress: string }) {
    super(scope, id);
    const domain = props.fromAddress.split('@')[1];
    if (!domain) throw new Error(`mail from address "${props.fromAddress}" has no domain`);

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.identity = new ses.EmailIdentity(this, 'DomainIdentity', {
      identity: ses.Identity.domain(domain),
      configurationSet: this.configurationSet,
      dkimSigning: true,
      mailFromDomain: `bounce.${domain}`,
    });

    this.fromAddress = props.fromAddress;
    this.configurationSetName = this.configurationSet.configurationSetName;
    this.identityArn = this.identity.emailIdentityArn;
    this.configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSetName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

    // No hosted-zone lookups (synth stays offline): ops publish these DKIM records in the domain's DNS.
    this.identity.dkimRecords.forEach((record, index) => {
      new CfnOutput(this, `DkimRecord${index + 1}`, { value: `${record.name} CNAME ${record.value}` });
    });
  }
}
