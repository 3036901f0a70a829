import { BaseEnvSchema } from '#schemas/shared/env';
import { dynamoDocumentClient } from '../shared/aws/clients';
import { once } from '../shared/once';
import { systemClock } from '../shared/ports';
import { DynamoAuditChainStore } from './adapters/dynamo-audit-log';

export const auditQueryDeps = once(() => ({
  store: new DynamoAuditChainStore(
    dynamoDocumentClient(),
    BaseEnvSchema.pick({ AUDIT_TABLE_NAME: true }).parse(process.env).AUDIT_TABLE_NAME,
  ),
  clock: systemClock,
}));
