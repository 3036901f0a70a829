/**
 * DynamoDB table shapes, shared by the CDK data stack and the local stack bootstrap so the two
 * cannot drift. Plain data: no CDK or SDK imports.
 */
export interface KeyDefinition {
  name: string;
  type: 'S' | 'N';
}

export interface TableDefinition {
  /** Logical name; CDK construct ids and local table names derive from it. */
  logicalName:
    | 'accounts'
    | 'audit'
    | 'imaging'
    | 'uploads'
    | 'support'
    | 'billing'
    | 'sharing'
    | 'mail'
    | 'exports'
    | 'requestCounters';
  partitionKey: KeyDefinition;
  sortKey: KeyDefinition;
  globalIndexes: readonly { indexName: string; partitionKey: KeyDefinition; sortKey: KeyDefinition }[];
  timeToLiveAttribute?: string;
  stream?: 'NEW_IMAGE';
}

/**
 * Accounts: organizations, memberships and unique-email claims in one table.
 *   ORG#<orgId> / ORG                  the organization
 *   USER#<userId> / MEMBER             a membership; gsi1 = ORG#<orgId> / USER#<userId> lists an org's users
 *   EMAIL#<email> / EMAIL              claims an email address once across PACScribe
 *   SIGNUP#<email> / PENDING           a sign-up whose address is not proven yet (code hash; TTL expiresAt)
 *   SIGNUP#<email> / NOTICE            counts "someone tried to sign up with your address" mails (TTL)
 */
export const accountsTable: TableDefinition = {
  logicalName: 'accounts',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [
    {
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
    },
  ],
  timeToLiveAttribute: 'expiresAt',
};

/**
 * Audit log: append-only, AUDIT_CHAINS_PER_ORG (16) hash chains per organization, so concurrent requests
 * append in parallel; one partition per chain.
 *   ORG#<orgId>#CHAIN#<00..15> / SEQ#<000000000042>          the record at that position of that chain
 *   gsi1 = ORG#<orgId> / <eventTime>#<chain>#<seq>           all of an organization's chains, by time,
 *                                                            for reviewers' time-range queries
 * The stream feeds the Object Lock archive.
 */
export const auditTable: TableDefinition = {
  logicalName: 'audit',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [
    {
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
    },
  ],
  stream: 'NEW_IMAGE',
};

/**
 * Imaging index, shaped for QIDO-RS. One partition per study and organization, so the same Study Instance
 * UID in two organizations never meets:
 *   ORG#<orgId>#STUDY#<studyUid> / STUDY                         study attributes and counters
 *   ORG#<orgId>#STUDY#<studyUid> / SERIES#<seriesUid>            series attributes
 *   ORG#<orgId>#STUDY#<studyUid> / INSTANCE#<seriesUid>#<sopUid> instance: object key, SHA-256, size
 *   gsi1 = ORG#<orgId>#STUDIES / <StudyDate>#<studyUid>          listing and date ranges
 *   gsi2 = ORG#<orgId>#PATIENT#<PatientID> / <StudyDate>#<studyUid>   PatientID matching
 *   gsi3 = ORG#<orgId>#NAMES / <PATIENT NAME>#<studyUid>           PatientName prefixes
 */
export const imagingTable: TableDefinition = {
  logicalName: 'imaging',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [
    {
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
    },
    {
      indexName: 'gsi2',
      partitionKey: { name: 'gsi2pk', type: 'S' },
      sortKey: { name: 'gsi2sk', type: 'S' },
    },
    {
      indexName: 'gsi3',
      partitionKey: { name: 'gsi3pk', type: 'S' },
      sortKey: { name: 'gsi3sk', type: 'S' },
    },
  ],
};

/**
 * Upload sessions, apart from the imaging index: short-lived (TTL), written by other functions than the
 * index, and holding the ingest's checkpoint and per-instance results.
 *   ORG#<orgId>#UPLOAD#<sessionId> / SESSION            status, declared size, staging key, checkpoint
 *   ORG#<orgId>#UPLOAD#<sessionId> / RESULTS#<000042>   a committed page of per-instance results
 */
export const uploadsTable: TableDefinition = {
  logicalName: 'uploads',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [],
  timeToLiveAttribute: 'expiresAtEpoch',
};

/**
 * Support: tickets, their messages, access grants and each organization's support settings. What people
 * wrote is sealed (envelope encryption) inside the items; identifiers, status and times are not.
 *   TICKET#<ticketId> / TICKET                    a ticket; gsi1 = ORG#<orgId>#TICKETS / <createdAt>#<ticketId>
 *                                                 gsi2 = QUEUE#<status> / <updatedAt>#<ticketId> (staff queue)
 *   TICKET#<ticketId> / MSG#<createdAt>#<msgId>   one message of it
 *   GRANT#<grantId> / GRANT                       an access grant; gsi1 = ORG#<orgId>#GRANTS / <createdAt>#<grantId>
 *   ORG#<orgId> / SUPPORT-SETTINGS                whether grants need an administrator's approval
 * TTL (expiresAtEpoch) ends tickets, messages and grants after the retention period (default six years).
 */
export const supportTable: TableDefinition = {
  logicalName: 'support',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [
    {
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
    },
    {
      indexName: 'gsi2',
      partitionKey: { name: 'gsi2pk', type: 'S' },
      sortKey: { name: 'gsi2sk', type: 'S' },
    },
  ],
  timeToLiveAttribute: 'expiresAtEpoch',
};

/**
 * Billing [PP-16, PP-17]: per organization only the Stripe customer id, billing email, billing address and
 * the subscription's status and plan; no card data ever. Kept apart from the other tables so that the
 * functions talking to Stripe are granted this table and nothing holding PHI.
 *   ORG#<orgId> / BILLING            the billing account (contact + subscription state and its version)
 *   CUSTOMER#<customerId> / ORG      which organization a Stripe customer is
 *   EVENT#<eventId> / EVENT          a processed webhook event id, expiring after 35 days (TTL)
 *   RECEIPT#<invoiceId> / RECEIPT    the receipt mail for an invoice was sent
 */
export const billingTable: TableDefinition = {
  logicalName: 'billing',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [],
  timeToLiveAttribute: 'expiresAtEpoch',
};

/**
 * Sharing: studies shared with external recipients [PP-07], and what redeeming them needs.
 *   SHARE#<shareId> / SHARE                      a share; gsi1 = ORG#<orgId>#SHARES / <createdAt>#<shareId>
 *   SHARE#<shareId> / CODE                       the recipient's current one-time code (hash, guesses; TTL)
 *   SHARE#<shareId> / ACCESS#<at>#<requestId>    one access: code sent, session opened, refusal, view, download
 *   TOKEN#<sha256 of the link secret> / TOKEN    which share a link names (TTL at the share's expiry)
 *   SESSION#<sha256 of the cookie> / SESSION     an open recipient session, bound to one share (TTL)
 *   IDEMPOTENCY#<orgId>#<userId>#<key> / IDEMPOTENCY   the share a create request made (TTL one day)
 *   RATE#<counter> / <window start>              conditional-write rate counters (TTL)
 * Shares and access entries are disclosure records, kept six years after the share ends (TTL).
 */
export const sharingTable: TableDefinition = {
  logicalName: 'sharing',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [
    {
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
    },
  ],
  timeToLiveAttribute: 'expiresAtEpoch',
};

/**
 * Mail: communication preferences, their propagation to every marketing system, suppressed addresses and
 * campaign dry runs. Ids and times; addresses only where SES reported one (suppressions).
 *   USER#<userId> / PREFS                      marketing choice, latest propagation id
 *   USER#<userId> / PROPAGATION#<id>           one change on its way; per-system timestamps, deadline;
 *                                              gsi1 = PROPAGATION#PENDING / <deadlineAt>#<id> until complete
 *   SUPPRESSED#<email> / SUPPRESSED            bounce or complaint; gsi1 = ORG#<orgId>#SUPPRESSED / <email>
 *   CAMPAIGN#<template> / DRY-RUN#<hash>       a dry run of that template's exact content (TTL expiresAtEpoch)
 *   CAMPAIGN#<template> / SENT#<hash>#<userId> one campaign mail sent, so a rerun sends nobody twice
 */
export const mailTable: TableDefinition = {
  logicalName: 'mail',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [
    {
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
    },
  ],
  timeToLiveAttribute: 'expiresAtEpoch',
};

/**
 * Exports [PP-14]: each organization's archive exports with their progress and checkpoint.
 *   ORG#<orgId> / EXPORT#<exportId>   one export: status, progress, parts, the workflow's checkpoint
 *   ORG#<orgId> / ACTIVE              the running export, so a second request returns it
 * TTL (expiresAtEpoch) ends a record a year after its export; the parts go after 7 days (bucket rule).
 */
export const exportsTable: TableDefinition = {
  logicalName: 'exports',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [],
  timeToLiveAttribute: 'expiresAtEpoch',
};

/**
 * Request counters: how many requests each organization made in each minute, for the per-organization
 * limit (functions/accounts/core/request-quota.ts). Counts only; items expire by TTL.
 *   ORG#<orgId> / WINDOW#<window start, ISO 8601>      requests (number), expiresAtEpoch
 */
export const requestCountersTable: TableDefinition = {
  logicalName: 'requestCounters',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [],
  timeToLiveAttribute: 'expiresAtEpoch',
};

export const tableDefinitions = [
  accountsTable,
  auditTable,
  imagingTable,
  uploadsTable,
  supportTable,
  billingTable,
  sharingTable,
  mailTable,
  exportsTable,
  requestCountersTable,
] as const;
