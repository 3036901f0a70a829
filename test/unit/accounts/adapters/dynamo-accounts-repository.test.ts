import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoAccountsRepository } from '../../../../functions/accounts/adapters/dynamo-accounts-repository';
import { ConflictError } from '../../../../functions/shared/errors';
import type { Member } from '../../../../schemas/accounts/entities';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(documents);
afterEach(() => dynamo.reset());

const now = '2026-11-24T12:00:00.000Z';
const member: Member = {
  userId: 'u1',
  orgId: 'org-a',
  email: 'a@a.example',
  name: 'A',
  role: 'administrator',
  professionalRole: 'clinician',
  permissions: ['view'],
  status: 'active',
  tokensValidAfter: now,
  createdAt: now,
  createdBy: 'u1',
};
const repository = new DynamoAccountsRepository(documents, 'accounts');

describe('DynamoAccountsRepository', () => {
  it('writes organization, email claim and membership in one conditional transaction', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    await repository.createOrganization(
      { orgId: 'org-a', name: 'Org', createdAt: now, createdBy: 'u1', adminCount: 1 },
      member,
    );

    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items.map((item) => item.Put?.Item?.pk)).toEqual(['ORG#org-a', 'EMAIL#a@a.example', 'USER#u1']);
    expect(items.every((item) => item.Put?.ConditionExpression === 'attribute_not_exists(pk)')).toBe(true);
  });

  it('turns a cancelled transaction into a conflict that names no account', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejects(
        new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [] }),
      );

    await expect(repository.addMember(member)).rejects.toBeInstanceOf(ConflictError);
  });

  it('reads memberships with strong consistency, so a disable takes effect on the next request', async () => {
    dynamo.on(GetCommand).resolves({ Item: { pk: 'USER#u1', sk: 'MEMBER', type: 'member', ...member } });

    await expect(repository.getMember('u1')).resolves.toEqual(member);
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      ConsistentRead: true,
      Key: { pk: 'USER#u1', sk: 'MEMBER' },
    });
  });
});

describe('DynamoAccountsRepository under contention', () => {
  it('retries a transaction cancelled only by another transaction in flight', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(
        new TransactionCanceledException({
          message: 'conflict',
          $metadata: {},
          CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
        }),
      )
      .resolves({});

    await repository.replaceMember(member, { ...member, name: 'Renamed' });

    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
  });

  it('does not retry a failed condition: the last administrator stays', async () => {
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );

    const administrator: Member = { ...member, permissions: ['view', 'manage-users'] };

    await expect(
      repository.replaceMember(administrator, { ...administrator, permissions: ['view'] }),
    ).rejects.toThrow('at least one active administrator');
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });
});
