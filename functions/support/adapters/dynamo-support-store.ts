import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type SupportGrant, SupportGrantSchema, type SupportSettings } from '#schemas/support/grants';
import type { TicketStatus } from '#schemas/support/tickets';
import { ConflictError } from '../../shared/errors';
import type { StoredMessage, StoredTicket, SupportStore } from '../core/ports';

const ticketKey = (ticketId: string) => ({ pk: `TICKET#${ticketId}`, sk: 'TICKET' });
const grantKey = (grantId: string) => ({ pk: `GRANT#${grantId}`, sk: 'GRANT' });
const settingsKey = (orgId: string) => ({ pk: `ORG#${orgId}`, sk: 'SUPPORT-SETTINGS' });
const NOT_EXISTS = 'attribute_not_exists(pk)';
const DAY_SECONDS = 24 * 3600;

/** Tickets, messages, grants and settings in the support table (infra/data/table-definitions.ts). */
export class DynamoSupportStore implements SupportStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /**
     * Items are kept this long after their last write (the table's TTL then removes them); null in
     * functions that only read, which then cannot write.
     */
    private readonly retentionDays: number | null,
  ) {}

  private expiry(at: string): number {
    if (this.retentionDays === null) throw new Error('this support store was built to read only');
    return Math.floor(Date.parse(at) / 1000) + this.retentionDays * DAY_SECONDS;
  }

  private ticketItem(ticket: StoredTicket) {
    return {
      ...ticketKey(ticket.ticketId),
      type: 'ticket',
      ...ticket,
      gsi1pk: `ORG#${ticket.orgId}#TICKETS`,
      gsi1sk: `${ticket.createdAt}#${ticket.ticketId}`,
      gsi2pk: `QUEUE#${ticket.status}`,
      gsi2sk: `${ticket.updatedAt}#${ticket.ticketId}`,
      expiresAtEpoch: this.expiry(ticket.updatedAt),
    };
  }

  private messageItem(message: StoredMessage) {
    return {
      pk: `TICKET#${message.ticketId}`,
      sk: `MSG#${message.createdAt}#${message.messageId}`,
      type: 'ticket-message',
      ...message,
      expiresAtEpoch: this.expiry(message.createdAt),
    };
  }

  async createTicket(ticket: StoredTicket, first: StoredMessage): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: this.ticketItem(ticket),
              ConditionExpression: NOT_EXISTS,
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: this.messageItem(first),
              ConditionExpression: NOT_EXISTS,
            },
          },
        ],
      }),
    );
  }

  async getTicket(ticketId: string): Promise<StoredTicket | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: ticketKey(ticketId), ConsistentRead: true }),
    );
    return Item ? toTicket(Item) : null;
  }

  async listOrganizationTickets(orgId: string, limit: number): Promise<StoredTicket[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :org',
        ExpressionAttributeValues: { ':org': `ORG#${orgId}#TICKETS` },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map(toTicket);
  }

  /** Every ticket of the organization, newest activity first, a page at a time (the organization's export). */
  async *allOrganizationTickets(orgId: string): AsyncIterable<StoredTicket> {
    for await (const page of paginateQuery(
      { client: this.client, pageSize: 100 },
      {
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :org',
        ExpressionAttributeValues: { ':org': `ORG#${orgId}#TICKETS` },
        ScanIndexForward: false,
      },
    )) {
      for (const item of page.Items ?? []) yield toTicket(item);
    }
  }

  async listAllTickets(status: TicketStatus | undefined, limit: number): Promise<StoredTicket[]> {
    const statuses: TicketStatus[] = status ? [status] : ['open', 'closed'];
    const pages = await Promise.all(
      statuses.map((queue) =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :queue',
            ExpressionAttributeValues: { ':queue': `QUEUE#${queue}` },
            ScanIndexForward: false,
            Limit: limit,
          }),
        ),
      ),
    );
    return pages
      .flatMap((page) => (page.Items ?? []).map(toTicket))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .slice(0, limit);
  }

  async listMessages(ticketId: string): Promise<StoredMessage[]> {
    const messages: StoredMessage[] = [];
    const pages = paginateQuery(
      { client: this.client, pageSize: 100 },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :ticket AND begins_with(sk, :message)',
        ExpressionAttributeValues: { ':ticket': `TICKET#${ticketId}`, ':message': 'MSG#' },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        messages.push({
          ticketId: String(item.ticketId),
          messageId: String(item.messageId),
          authorKind: item.authorKind === 'support' ? 'support' : 'customer',
          authorId: String(item.authorId),
          createdAt: String(item.createdAt),
          sealed: String(item.sealed),
        });
      }
    }
    return messages;
  }

  async addMessage(ticket: StoredTicket, message: StoredMessage, status: TicketStatus): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: this.messageItem(message),
              ConditionExpression: NOT_EXISTS,
            },
          },
          {
            Update: {
              TableName: this.tableName,
              Key: ticketKey(ticket.ticketId),
              UpdateExpression:
                'SET #status = :status, updatedAt = :at, gsi2pk = :queue, gsi2sk = :queueKey, expiresAtEpoch = :expires',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':status': status,
                ':at': message.createdAt,
                ':queue': `QUEUE#${status}`,
                ':queueKey': `${message.createdAt}#${ticket.ticketId}`,
                ':expires': this.expiry(message.createdAt),
              },
            },
          },
        ],
      }),
    );
  }

  private grantItem(grant: SupportGrant) {
    return {
      ...grantKey(grant.grantId),
      type: 'support-grant',
      ...grant,
      gsi1pk: `ORG#${grant.orgId}#GRANTS`,
      gsi1sk: `${grant.createdAt}#${grant.grantId}`,
      expiresAtEpoch: this.expiry(grant.createdAt),
    };
  }

  async createGrant(grant: SupportGrant): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: this.grantItem(grant),
        ConditionExpression: NOT_EXISTS,
      }),
    );
  }

  async getGrant(grantId: string): Promise<SupportGrant | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: grantKey(grantId), ConsistentRead: true }),
    );
    return Item ? SupportGrantSchema.parse(Item) : null;
  }

  async replaceGrant(previous: SupportGrant, next: SupportGrant): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.grantItem(next),
          ConditionExpression: '#status = :previous',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':previous': previous.status },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError('The grant changed meanwhile; read it again.');
      }
      throw error;
    }
  }

  async listGrants(orgId: string, createdFrom: string): Promise<SupportGrant[]> {
    const grants: SupportGrant[] = [];
    const pages = paginateQuery(
      { client: this.client, pageSize: 100 },
      {
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :org AND gsi1sk >= :from',
        ExpressionAttributeValues: { ':org': `ORG#${orgId}#GRANTS`, ':from': createdFrom },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) grants.push(SupportGrantSchema.parse(item));
    }
    return grants;
  }

  async getSettings(orgId: string): Promise<SupportSettings> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: settingsKey(orgId), ConsistentRead: true }),
    );
    return { requireApproval: Item?.requireApproval === true };
  }

  async putSettings(orgId: string, settings: SupportSettings): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: settingsKey(orgId),
        UpdateExpression: 'SET requireApproval = :requireApproval, #type = :type',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':requireApproval': settings.requireApproval,
          ':type': 'support-settings',
        },
      }),
    );
  }
}

function toTicket(item: Record<string, unknown>): StoredTicket {
  return {
    ticketId: String(item.ticketId),
    orgId: String(item.orgId),
    status: item.status === 'closed' ? 'closed' : 'open',
    channel: item.channel === 'mail' ? 'mail' : 'api',
    openedBy: String(item.openedBy),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
    sealed: String(item.sealed),
  };
}
