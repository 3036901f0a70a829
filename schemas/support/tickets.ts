import * as z from 'zod';
import { DisplayTextSchema, IdSchema } from '../accounts/entities';
import { DicomUidSchema } from '../imaging/dicom-uid';
import { CARD_DATA_ISSUE, containsCardNumber } from '../shared/card-numbers';

const LINE_BREAKS_AND_TAB = new Set([0x09, 0x0a, 0x0d]);
const isAllowedCharacter = (character: string) => {
  const code = character.codePointAt(0) ?? 0;
  return LINE_BREAKS_AND_TAB.has(code) || (code >= 0x20 && code !== 0x7f && (code < 0x80 || code > 0x9f));
};

/** A support message: free text people type, bounded; line breaks allowed, other control characters not. */
export const SupportMessageTextSchema = z
  .string()
  .trim()
  .min(1)
  .max(10_000)
  .refine((text) => [...text].every(isAllowedCharacter), {
    message: 'must not contain control characters other than line breaks and tabs',
  })
  .refine((text) => !containsCardNumber(text), {
    message: 'must not contain a payment card number: PACScribe never takes card data',
    params: CARD_DATA_ISSUE,
  });

export const TicketStatusSchema = z.enum(['open', 'closed']);
export type TicketStatus = z.infer<typeof TicketStatusSchema>;

export const CreateTicketBodySchema = z
  .object({
    subject: DisplayTextSchema,
    message: SupportMessageTextSchema,
    /** The study the request is about, when there is one: a reference, not access. */
    studyInstanceUid: DicomUidSchema.optional(),
  })
  .strict()
  .meta({ id: 'CreateTicketBody' });
export type CreateTicketBody = z.infer<typeof CreateTicketBodySchema>;

export const AnswerTicketBodySchema = z
  .object({
    message: SupportMessageTextSchema,
    /** Close the ticket with this answer; a closed ticket allows no new access grant. */
    close: z.boolean().default(false),
  })
  .strict()
  .meta({ id: 'AnswerTicketBody' });
export type AnswerTicketBody = z.infer<typeof AnswerTicketBodySchema>;

export const TicketMessageSchema = z
  .object({
    messageId: IdSchema,
    author: z.object({ kind: z.enum(['customer', 'support']), id: z.string() }),
    /** The customer's address for their messages; null for support answers. */
    senderEmail: z.email().nullable(),
    text: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'TicketMessage' });
export type TicketMessage = z.infer<typeof TicketMessageSchema>;

export const TicketSummarySchema = z
  .object({
    ticketId: IdSchema,
    orgId: IdSchema,
    subject: z.string(),
    status: TicketStatusSchema,
    /** Who opened it: the address recorded with the ticket [PP-05]. */
    senderEmail: z.email(),
    studyInstanceUid: DicomUidSchema.nullable(),
    channel: z.enum(['api', 'mail']),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'TicketSummary' });
export type TicketSummary = z.infer<typeof TicketSummarySchema>;

export const TicketSchema = TicketSummarySchema.extend({ messages: z.array(TicketMessageSchema) }).meta({
  id: 'Ticket',
});
export type Ticket = z.infer<typeof TicketSchema>;

export const TicketListSchema = z
  .object({ tickets: z.array(TicketSummarySchema) })
  .meta({ id: 'TicketList' });

/** The staff queue: every organization's tickets, newest activity first, optionally by status. */
export const StaffTicketQuerySchema = z
  .object({
    status: TicketStatusSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
