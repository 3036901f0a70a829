import type {
  ExportAudit,
  ExportJobs,
  ExportNotices,
  ExportObjects,
  ExportWorkflow,
} from '../../functions/exports/core/ports';
import type { ExportJob } from '../../schemas/exports/exports';

/** The slot a running export holds, as the DynamoDB adapter keys it. */
const slotOf = (job: Pick<ExportJob, 'orgId' | 'scope' | 'requestedBy'>) =>
  job.scope.kind === 'organization' ? job.orgId : `${job.orgId}/USER#${job.requestedBy}`;

/** Export records in memory, with the DynamoDB adapter's conditions (only a running export changes). */
export class MemoryExportJobs implements ExportJobs {
  readonly jobs = new Map<string, ExportJob>();
  readonly active = new Map<string, string>();
  private key = (orgId: string, exportId: string) => `${orgId}/${exportId}`;
  async create(job: ExportJob) {
    const running = this.active.get(slotOf(job));
    if (running)
      return {
        created: false as const,
        running: structuredClone(this.jobs.get(this.key(job.orgId, running)) as ExportJob),
      };
    this.active.set(slotOf(job), job.exportId);
    this.jobs.set(this.key(job.orgId, job.exportId), structuredClone(job));
    return { created: true as const };
  }
  async get(orgId: string, exportId: string) {
    const job = this.jobs.get(this.key(orgId, exportId));
    return job ? structuredClone(job) : null;
  }
  async list(orgId: string) {
    return [...this.jobs.values()].filter((job) => job.orgId === orgId).map((job) => structuredClone(job));
  }
  async setExecution(orgId: string, exportId: string, executionArn: string) {
    const job = this.jobs.get(this.key(orgId, exportId));
    if (job) job.executionArn = executionArn;
  }
  async checkpoint(
    orgId: string,
    exportId: string,
    update: Pick<ExportJob, 'cursor' | 'progress' | 'parts' | 'updatedAt'>,
  ) {
    const job = this.jobs.get(this.key(orgId, exportId));
    if (job?.status !== 'running') return false;
    Object.assign(job, structuredClone(update));
    return true;
  }
  async finish(
    ended: Pick<ExportJob, 'orgId' | 'exportId' | 'scope' | 'requestedBy'>,
    end: { status: Exclude<ExportJob['status'], 'running'>; at: string; failure: string | null },
  ) {
    const job = this.jobs.get(this.key(ended.orgId, ended.exportId));
    if (job?.status !== 'running') return false;
    Object.assign(job, { status: end.status, finishedAt: end.at, failure: end.failure });
    this.active.delete(slotOf(ended));
    return true;
  }
}

/** The exports bucket in memory: an upload becomes an object only when its stream ends without error. */
export class MemoryExportObjects implements ExportObjects {
  readonly objects = new Map<string, Buffer>();
  async putJson(key: string, value: unknown) {
    this.objects.set(key, Buffer.from(JSON.stringify(value)));
  }
  async getJson(key: string) {
    const bytes = this.objects.get(key);
    if (!bytes) throw new Error(`no object ${key}`);
    return JSON.parse(bytes.toString('utf8'));
  }
  async upload(key: string, body: AsyncIterable<Uint8Array>) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(chunk);
    this.objects.set(key, Buffer.concat(chunks));
  }
  async deleteAll(keys: readonly string[]) {
    for (const key of keys) this.objects.delete(key);
  }
  async presign(key: string, seconds: number, filename: string) {
    return `https://exports.example/${key}?expires=${seconds}&filename=${filename}`;
  }
  keys(prefix: string) {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }
}

export class RecordingExportWorkflow implements ExportWorkflow {
  readonly started: { orgId: string; exportId: string }[] = [];
  readonly stopped: string[] = [];
  async start(input: { orgId: string; exportId: string }) {
    this.started.push(input);
    return `arn:aws:states:us-east-1:000000000000:execution:export-archive:export-${input.exportId}`;
  }
  async stop(executionArn: string) {
    this.stopped.push(executionArn);
  }
}

export class RecordingExportNotices implements ExportNotices {
  readonly sent: { to: string; link: string; parts: number }[] = [];
  async exportReady(to: string, notice: { link: string; parts: number }) {
    this.sent.push({ to, link: notice.link, parts: notice.parts });
  }
}

export class RecordingExportAudit implements ExportAudit {
  readonly ended: { exportId: string; outcome: string }[] = [];
  async exportEnded(job: { exportId: string }, outcome: 'succeeded' | 'failed') {
    this.ended.push({ exportId: job.exportId, outcome });
  }
}
