import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  paginateQuery,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type PolicyAcceptance, PolicyAcceptanceSchema } from '#schemas/policy/policy';
import type { NoticeRecipient, PolicyPublication, PolicyStore } from '../core/ports';

/**
 * Policy items in the accounts table, beside the memberships they concern:
 * - POLICY#privacy / VERSION#<n>: a publication;
 * - POLICYACCEPT#<orgId> / V#<n>#USER#<userId>: an acceptance, in its organization's partition (the
 *   only partition every customer route may put items in, see infra/policy/bindings.ts);
 * - on the member item (USER#<id> / MEMBER): acceptedPolicyVersion, policyNoticeVersion,
 *   policyNoticeAcknowledgedVersion, each written by its own conditional update.
 */
const PUBLICATIONS = 'POLICY#privacy';
const padded = (version: number) => String(version).padStart(10, '0');
const memberKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'MEMBER' });
export const acceptancePartition = (orgId: string) => `POLICYACCEPT#${orgId}`;

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

export class DynamoPolicyStore implements PolicyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listPublications(): Promise<PolicyPublication[]> {
    const publications: PolicyPublication[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PUBLICATIONS },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        publications.push({
          version: Number(item.version),
          material: Boolean(item.material),
          publishedAt: String(item.publishedAt),
        });
      }
    }
    return publications;
  }

  async recordPublication(publication: PolicyPublication): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: PUBLICATIONS,
            sk: `VERSION#${padded(publication.version)}`,
            type: 'policy-publication',
            ...publication,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async listActiveMembers(): Promise<NoticeRecipient[]> {
    const members: NoticeRecipient[] = [];
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.tableName,
        FilterExpression: 'sk = :member AND #status = :active',
        ExpressionAttributeNames: { '#status': 'status', '#name': 'name' },
        ExpressionAttributeValues: { ':member': 'MEMBER', ':active': 'active' },
        ProjectionExpression: 'userId, orgId, email, #name',
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        members.push({
          userId: String(item.userId),
          orgId: String(item.orgId),
          email: String(item.email),
          name: String(item.name),
        });
      }
    }
    return members;
  }

  async markNoticePending(userId: string, version: number): Promise<boolean> {
    return this.conditionalUpdate({
      Key: memberKey(userId),
      UpdateExpression: 'SET policyNoticeVersion = :version',
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(policyNoticeVersion) OR policyNoticeVersion < :version)',
      ExpressionAttributeValues: { ':version': version },
    });
  }

  async acknowledgeNotice(userId: string, version: number): Promise<boolean> {
    return this.conditionalUpdate({
      Key: memberKey(userId),
      UpdateExpression: 'SET policyNoticeAcknowledgedVersion = :version',
      ConditionExpression: 'policyNoticeVersion = :version',
      ExpressionAttributeValues: { ':version': version },
    });
  }

  async recordAcceptance(acceptance: PolicyAcceptance): Promise<boolean> {
    let recorded = true;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: acceptancePartition(acceptance.orgId),
            sk: `V#${padded(acceptance.version)}#USER#${acceptance.userId}`,
            type: 'policy-acceptance',
            ...acceptance,
          },
          // Exactly once per member and version, however many first requests race.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      recorded = false;
    }
    // The member record says so too, so that their next requests ask nothing (idempotent, never backwards).
    await this.conditionalUpdate({
      Key: memberKey(acceptance.userId),
      UpdateExpression: 'SET acceptedPolicyVersion = :version',
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(acceptedPolicyVersion) OR acceptedPolicyVersion < :version)',
      ExpressionAttributeValues: { ':version': acceptance.version },
    });
    return recorded;
  }

  async listAcceptances(orgId: string, version?: number): Promise<PolicyAcceptance[]> {
    const acceptances: PolicyAcceptance[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': acceptancePartition(orgId),
          ':prefix': version === undefined ? 'V#' : `V#${padded(version)}#`,
        },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) acceptances.push(PolicyAcceptanceSchema.parse(item));
    }
    return acceptances;
  }

  private async conditionalUpdate(
    input: Pick<
      ConstructorParameters<typeof UpdateCommand>[0],
      'Key' | 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues'
    >,
  ): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand({ TableName: this.tableName, ...input }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
