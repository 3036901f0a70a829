import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoAccountsRepository } from '../../../../functions/accounts/adapters/dynamo-accounts-repository';
import { ConflictError, NotFoundError } from '../../../../functions/shared/errors';
import type { Member } from '../../../../schemas/accounts/entities';
import type { StaffMember } from '../../../../schemas/accounts/staff';

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
const later = '2026-11-24T12:00:05.000Z';
const memberItem = { pk: 'USER#u1', sk: 'MEMBER', type: 'member', ...member };
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

describe('a membership read parses each distinct item once', () => {
  it('[PP-06] answers a changed item (disabled, signed out, permissions taken) at once, and refuses a malformed one every time', async () => {
    const item = { ...memberItem, userId: 'u-parsed', email: 'parsed@a.example' };
    dynamo.on(GetCommand).resolves({ Item: item });
    const first = await repository.getMember('u-parsed');
    expect(first).toMatchObject({ userId: 'u-parsed', status: 'active', role: member.role });
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first?.permissions)).toBe(true);
    // The same stored item again: the same parsed member.
    dynamo.on(GetCommand).resolves({ Item: { ...item } });
    expect(await repository.getMember('u-parsed')).toBe(first);
    // Disabled, and signed out everywhere: the next read says so.
    dynamo.on(GetCommand).resolves({ Item: { ...item, status: 'disabled', tokensValidAfter: later } });
    await expect(repository.getMember('u-parsed')).resolves.toMatchObject({
      status: 'disabled',
      tokensValidAfter: later,
    });
    dynamo.on(GetCommand).resolves({ Item: { ...item, permissions: [] } });
    await expect(repository.getMember('u-parsed')).resolves.toMatchObject({ permissions: [] });
    const malformed = { ...item, email: 'not an address' };
    dynamo.on(GetCommand).resolves({ Item: malformed });
    await expect(repository.getMember('u-parsed')).rejects.toThrow();
    await expect(repository.getMember('u-parsed')).rejects.toThrow();
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

    await repository.replaceMember(member, { ...member, permissions: ['view', 'export'] });

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

describe('DynamoAccountsRepository: every membership write is conditional on what it read', () => {
  const versioned: Member = { ...member, role: 'clinician', permissions: ['view', 'upload'], version: 7 };
  const updateOf = (call = 0) =>
    dynamo.commandCalls(TransactWriteCommand)[call]?.args[0].input.TransactItems?.[1]?.Update;

  it('[PP-06] writes only the access attributes that changed, at the next version, if still at the version read', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    const stored = await repository.replaceMember(versioned, { ...versioned, permissions: ['view'] });

    expect(stored).toMatchObject({ permissions: ['view'], version: 8 });
    const update = updateOf();
    expect(update?.Key).toEqual({ pk: 'USER#u1', sk: 'MEMBER' });
    expect(update?.ConditionExpression).toBe('orgId = :orgId AND version = :readVersion');
    expect(update?.UpdateExpression).toBe('SET #permissions = :permissions, version = :nextVersion');
    expect(update?.ExpressionAttributeValues).toEqual({
      ':orgId': 'org-a',
      ':readVersion': 7,
      ':nextVersion': 8,
      ':permissions': ['view'],
    });
    // Name, welcome and invitation are never written from this read, so a concurrent rename survives.
    expect(JSON.stringify(update)).not.toMatch(/name|welcomedAt|invitationExpiresAt|tokensValidAfter/);
  });

  it('[PP-06] a record written before versions existed is replaced only while it still has none', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const legacy: Member = { ...versioned, version: undefined };

    await repository.replaceMember(legacy, { ...legacy, status: 'disabled', tokensValidAfter: later });

    const update = updateOf();
    expect(update?.ConditionExpression).toBe('orgId = :orgId AND attribute_not_exists(version)');
    expect(update?.UpdateExpression).toBe(
      'SET #status = :status, #tokensValidAfter = :tokensValidAfter, version = :nextVersion',
    );
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':nextVersion': 1, ':status': 'disabled' });
  });

  it('[PP-06] a fresh invitation expiry is written only while the invitation is still the one read', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const invited: Member = { ...versioned, invitationExpiresAt: now };

    await repository.replaceMember(invited, { ...invited, invitationExpiresAt: later });

    const update = updateOf();
    expect(update?.ConditionExpression).toBe(
      'orgId = :orgId AND version = :readVersion AND #invitationExpiresAt = :readInvitationExpiresAt',
    );
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':readInvitationExpiresAt': now });
  });

  it('[PP-06] answers 409 conflict, without retrying, when the membership changed since it was read', async () => {
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
      }),
    );

    await expect(
      repository.replaceMember(versioned, { ...versioned, permissions: ['view'] }),
    ).rejects.toEqual(new ConflictError('The user was changed by someone else meanwhile; reload and retry.'));
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });

  it('[PP-06] removes a membership only at the version read', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    await repository.removeMember(versioned);

    const removal = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[1]?.Delete;
    expect(removal?.ConditionExpression).toBe('orgId = :orgId AND version = :readVersion');
    expect(removal?.ExpressionAttributeValues).toEqual({ ':orgId': 'org-a', ':readVersion': 7 });
  });

  it('[PP-06] new memberships start at version 1', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    await repository.addMember(member);

    const put = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[2]?.Put;
    expect(put?.Item).toMatchObject({ pk: 'USER#u1', version: 1 });
  });

  it('[PP-06] a rename is an UpdateItem of the name alone: no version, nothing else written back', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { ...memberItem, name: 'Renamed', version: 7 } });

    await expect(repository.renameMember('u1', 'org-a', 'Renamed')).resolves.toMatchObject({
      name: 'Renamed',
    });

    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'USER#u1', sk: 'MEMBER' },
      UpdateExpression: 'SET #name = :name',
      ConditionExpression: 'orgId = :orgId',
      ExpressionAttributeNames: { '#name': 'name' },
      ExpressionAttributeValues: { ':name': 'Renamed', ':orgId': 'org-a' },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('[PP-07] a rename of a membership that is gone or elsewhere answers 404', async () => {
    dynamo
      .on(UpdateCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));

    await expect(repository.renameMember('u1', 'org-b', 'X')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('[PP-18] sign-out everywhere only ever moves the cut-off forward, and invalidates concurrent reads', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await repository.revokeSessions('u1', 'org-a', later);

    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'USER#u1', sk: 'MEMBER' },
      UpdateExpression: 'SET tokensValidAfter = :cutoff ADD version :one',
      ConditionExpression: 'orgId = :orgId AND tokensValidAfter < :cutoff',
      ExpressionAttributeValues: { ':cutoff': later, ':orgId': 'org-a', ':one': 1 },
    });
  });

  it('[PP-18] a cut-off already later than the one asked for is kept', async () => {
    dynamo
      .on(UpdateCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));

    await expect(repository.revokeSessions('u1', 'org-a', now)).resolves.toBeUndefined();
  });

  it('retries a rename refused only because a transaction was in flight on the item', async () => {
    dynamo
      .on(UpdateCommand)
      .rejectsOnce(new TransactionConflictException({ message: 'conflict', $metadata: {} }))
      .resolves({ Attributes: { ...memberItem, name: 'Renamed' } });

    await repository.renameMember('u1', 'org-a', 'Renamed');

    expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 2);
  });
});

describe('DynamoAccountsRepository: staff records', () => {
  const staff: StaffMember = {
    staffId: 'sub-1',
    email: 'reviewer@pacscribe.example',
    name: 'Rene',
    groups: ['compliance-reviewer'],
    status: 'active',
    tokensValidAfter: now,
    createdAt: now,
    createdBy: 'ops',
    version: 1,
  };

  it('[PP-18] reads a staff record with strong consistency under its own key, so a disable takes effect on the next request', async () => {
    dynamo.on(GetCommand).resolves({ Item: { pk: 'STAFF#sub-1', sk: 'STAFF', type: 'staff', ...staff } });

    await expect(repository.getStaffMember('sub-1')).resolves.toEqual(staff);
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      ConsistentRead: true,
      Key: { pk: 'STAFF#sub-1', sk: 'STAFF' },
    });
  });

  it('[PP-18] adds a record only once, listed under the STAFF index partition', async () => {
    dynamo
      .on(PutCommand)
      .resolvesOnce({})
      .rejects(new ConditionalCheckFailedException({ message: 'x', $metadata: {} }));

    await repository.addStaffMember(staff);
    await expect(repository.addStaffMember(staff)).rejects.toBeInstanceOf(ConflictError);

    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        pk: 'STAFF#sub-1',
        sk: 'STAFF',
        gsi1pk: 'STAFF',
        gsi1sk: 'STAFF#reviewer@pacscribe.example',
        version: 1,
      }),
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('[PP-18] changes a record only at the version read', async () => {
    dynamo.on(PutCommand).resolves({});

    const stored = await repository.replaceStaffMember(staff, { ...staff, status: 'disabled' });

    expect(stored).toMatchObject({ status: 'disabled', version: 2 });
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ pk: 'STAFF#sub-1', status: 'disabled', version: 2 }),
      ConditionExpression: 'version = :readVersion',
      ExpressionAttributeValues: { ':readVersion': 1 },
    });
  });
});
