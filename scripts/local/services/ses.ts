import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import sesLocal from 'aws-ses-v2-local';

/** One contact of a contact list, as SES v2 keeps it (the address is the key). */
interface LocalContact {
  EmailAddress: string;
  TopicPreferences: { TopicName: string; SubscriptionStatus: 'OPT_IN' | 'OPT_OUT' }[];
  UnsubscribeAll: boolean;
  LastUpdatedTimestamp: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const CONTACT_LISTS = /^\/v2\/email\/contact-lists(?:\/([^/]+)(?:\/contacts(?:\/([^/]+))?)?)?\/?$/;

/**
 * aws-ses-v2-local (SES v1/v2 sending; inbox at / and JSON at /store, in memory) behind a small front that
 * adds what it lacks: SES v2 contact lists and their contacts' topic preferences (CreateContactList,
 * GetContactList, CreateContact, UpdateContact, GetContact), kept in `contactsFile` across restarts.
 * Everything else is passed through unchanged.
 */
export async function startSes(port: number, contactsFile: string) {
  const start = (sesLocal as unknown as { default?: typeof sesLocal }).default ?? sesLocal;
  const innerPort = await freePort();
  const inner = await start({ host: '127.0.0.1', port: innerPort });
  const lists: Record<string, { topics: unknown[]; contacts: Record<string, LocalContact> }> = existsSync(
    contactsFile,
  )
    ? JSON.parse(readFileSync(contactsFile, 'utf8'))
    : {};
  const save = () => writeFileSync(contactsFile, JSON.stringify(lists, null, 2));

  const reply = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const notFound = (response: ServerResponse, message: string) => reply(response, 404, { message });
  const alreadyExists = (response: ServerResponse, message: string) => reply(response, 400, { message });

  const contactLists = (
    request: IncomingMessage,
    body: string,
    response: ServerResponse,
    match: RegExpExecArray,
  ) => {
    const method = request.method ?? 'GET';
    const listName = match[1] ? decodeURIComponent(match[1]) : undefined;
    const address = match[2] ? decodeURIComponent(match[2]).toLowerCase() : undefined;
    const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    response.setHeader('x-amzn-errortype', '');
    if (!listName) {
      if (method !== 'POST') return reply(response, 405, { message: 'not supported locally' });
      const name = String(input.ContactListName ?? '');
      if (lists[name]) {
        response.setHeader('x-amzn-errortype', 'AlreadyExistsException');
        return alreadyExists(response, 'contact list exists');
      }
      lists[name] = { topics: (input.Topics as unknown[]) ?? [], contacts: {} };
      save();
      return reply(response, 200, {});
    }
    const list = lists[listName];
    if (!list) {
      response.setHeader('x-amzn-errortype', 'NotFoundException');
      return notFound(response, 'no such contact list');
    }
    if (!match[0].includes('/contacts')) {
      return reply(response, 200, { ContactListName: listName, Topics: list.topics });
    }
    const preferences = (input.TopicPreferences as LocalContact['TopicPreferences']) ?? [];
    if (!address && method === 'POST') {
      const email = String(input.EmailAddress ?? '').toLowerCase();
      if (list.contacts[email]) {
        response.setHeader('x-amzn-errortype', 'AlreadyExistsException');
        return alreadyExists(response, 'contact exists');
      }
      list.contacts[email] = {
        EmailAddress: email,
        TopicPreferences: preferences,
        UnsubscribeAll: input.UnsubscribeAll === true,
        LastUpdatedTimestamp: Date.now() / 1000,
      };
      save();
      return reply(response, 200, {});
    }
    const contact = address ? list.contacts[address] : undefined;
    if (!address || !contact) {
      response.setHeader('x-amzn-errortype', 'NotFoundException');
      return notFound(response, 'no such contact');
    }
    if (method === 'PUT') {
      Object.assign(contact, {
        TopicPreferences: preferences,
        UnsubscribeAll: input.UnsubscribeAll === true,
        LastUpdatedTimestamp: Date.now() / 1000,
      });
      save();
      return reply(response, 200, {});
    }
    return reply(response, 200, { ContactListName: listName, ...contact });
  };

  const front = createServer(async (incoming, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = (incoming.url ?? '/').split('?')[0] ?? '/';
    const match = CONTACT_LISTS.exec(path);
    if (match) {
      try {
        return contactLists(incoming, body.toString('utf8'), response, match);
      } catch {
        return reply(response, 400, { message: 'Bad request' });
      }
    }
    const forwarded = request(
      {
        host: '127.0.0.1',
        port: innerPort,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.on('error', () => reply(response, 502, { message: 'local SES unavailable' }));
    forwarded.end(body);
  });
  await new Promise<void>((resolve) => front.listen(port, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    inboxUrl: `${endpoint}/`,
    /** The contact lists as the stand-in keeps them (tests read topic preferences from here). */
    contactLists: () => lists,
    stop: async () => {
      for (const server of [front, inner]) {
        await new Promise<void>((resolve) => {
          server.closeAllConnections?.();
          server.close(() => resolve());
        });
      }
    },
  };
}
