import type { PolicyAcceptance, PolicyFrontMatter } from '#schemas/policy/policy';
import type { Mailer } from '../../shared/mailer';
import type { Clock } from '../../shared/ports';

/** One policy version as written in the repository: front matter and Markdown text. */
export interface PolicyDocument extends PolicyFrontMatter {
  markdown: string;
}

/** Port: the versions the deployed code carries (policies/privacy/<version>.md), oldest first. */
export interface PolicyLibrary {
  documents(): readonly PolicyDocument[];
}

/** Port: Markdown to safe HTML (rendered, then sanitized). */
export interface PolicyRenderer {
  toHtml(markdown: string): string;
}

export interface PolicyPublication {
  version: number;
  material: boolean;
  publishedAt: string;
}

/** An active member as the notice reaches them. */
export interface NoticeRecipient {
  userId: string;
  orgId: string;
  email: string;
  name: string;
}

/** Port: publications, notices and acceptances (DynamoDB in AWS and locally). */
export interface PolicyStore {
  listPublications(): Promise<PolicyPublication[]>;
  /** Records a publication once; false (and nothing changed) if that version was published before. */
  recordPublication(publication: PolicyPublication): Promise<boolean>;
  /** Every active member of every organization. */
  listActiveMembers(): Promise<NoticeRecipient[]>;
  /**
   * Marks the member as owing a notice of this version, once: false if they were already marked for it
   * (or a later one), so a second publication run sends nothing twice.
   */
  markNoticePending(userId: string, version: number): Promise<boolean>;
  /** Clears the member's pending notice of this version; false if they owe no notice of it. */
  acknowledgeNotice(userId: string, version: number): Promise<boolean>;
  /** Records one acceptance; false if this member had already accepted this version. */
  recordAcceptance(acceptance: PolicyAcceptance): Promise<boolean>;
  listAcceptances(orgId: string, version?: number): Promise<PolicyAcceptance[]>;
}

export interface PolicyReadDeps {
  library: PolicyLibrary;
  renderer: PolicyRenderer;
  store: Pick<PolicyStore, 'listPublications'>;
  clock: Clock;
}

export interface PublishDeps {
  library: PolicyLibrary;
  store: PolicyStore;
  mailer: Mailer;
  clock: Clock;
  appBaseUrl: string;
}
