import type { SupportGrant } from '#schemas/support/grants';
import type { TicketMessage, TicketSummary } from '#schemas/support/tickets';
import type { Sealer, StoredTicket, SupportStore } from '../../support/core/ports';
import { readTicketMessage, summarizeTicket } from '../../support/core/tickets';
import type { SupportSource } from '../core/dataset-sources';

/** The support store's listings the export reads, including its paged listing of every ticket. */
export type ExportableSupportStore = Pick<SupportStore, 'listGrants' | 'getTicket' | 'listMessages'> & {
  allOrganizationTickets(orgId: string): AsyncIterable<StoredTicket>;
};

/** Before the first grant any organization can have. */
const BEGINNING = '1970-01-01T00:00:00.000Z';

/** The organization's tickets (opened as its members read them) and its support access grants. */
export class SupportDatasetSource implements SupportSource {
  constructor(
    private readonly store: ExportableSupportStore,
    private readonly sealer: Sealer,
  ) {}

  async *tickets(orgId: string): AsyncIterable<TicketSummary> {
    for await (const ticket of this.store.allOrganizationTickets(orgId)) {
      yield summarizeTicket({ sealer: this.sealer }, ticket);
    }
  }

  async messages(orgId: string, ticketId: string): Promise<TicketMessage[]> {
    const ticket = await this.store.getTicket(ticketId);
    // Tickets are keyed by id alone: the organization is checked, not assumed.
    if (!ticket || ticket.orgId !== orgId) return [];
    const messages = await this.store.listMessages(ticketId);
    return Promise.all(
      messages.map((message) => readTicketMessage({ sealer: this.sealer }, ticket, message)),
    );
  }

  grants(orgId: string): Promise<SupportGrant[]> {
    return this.store.listGrants(orgId, BEGINNING);
  }
}
