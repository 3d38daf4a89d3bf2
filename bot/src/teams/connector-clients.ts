/**
 * One Bot Connector client per (bot, service URL, audience), kept, rather than a new one for
 * every turn and every proactive message. botbuilder's CloudAdapter asks its authentication for
 * a connector factory on each turn, and the factory builds a new ConnectorClient each time: an
 * HTTP pipeline of a dozen policies, about a third of a millisecond of CPU per reply in the
 * replies benchmark (bench/README.md). The client holds nothing per turn: its credentials get
 * and refresh their own token (MSAL's cache), so one client serves every turn of that bot,
 * as botbuilder's older BotFrameworkAdapter kept its clients per service URL too.
 */
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

type Factory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
type Identity = Parameters<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>[0];
type Client = Awaited<ReturnType<Factory['create']>>;
type AuthResult = Awaited<
  ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>
>;

/** Service URLs are few (one per Teams region); past this many, start over. */
const MAX_CLIENTS = 64;

export class KeptConnectorClientsAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly clients = new Map<string, Promise<Client>>();

  /** Each activity's turn: the connector factory of the request's identity. */
  override async authenticateRequest(
    ...args: Parameters<ConfigurationBotFrameworkAuthentication['authenticateRequest']>
  ): Promise<AuthResult> {
    const result = await super.authenticateRequest(...args);
    if (!result.connectorFactory) return result;
    return {
      ...result,
      connectorFactory: this.kept(result.connectorFactory, result.claimsIdentity),
    };
  }

  /** Proactive messages (continueConversationAsync). */
  override createConnectorFactory(identity: Identity): Factory {
    return this.kept(super.createConnectorFactory(identity), identity);
  }

  private kept(inner: Factory, identity: Identity): Factory {
    const bot = appIdOf(identity);
    return {
      create: (serviceUrl: string, audience?: string): Promise<Client> => {
        const key = `${bot}\u0000${serviceUrl}\u0000${audience ?? ''}`;
        let client = this.clients.get(key);
        if (!client) {
          if (this.clients.size >= MAX_CLIENTS) this.clients.clear();
          client = inner.create(serviceUrl, audience);
          // A failure (credentials not obtainable) is not kept: the next turn asks again.
          client.catch(() => this.clients.delete(key));
          this.clients.set(key, client);
        }
        return client;
      },
    };
  }
}

/** The bot the identity speaks for, as botbuilder's factory reads it (audience, else appid). */
function appIdOf(identity: Identity): string {
  return identity.getClaimValue('aud') ?? identity.getClaimValue('appid') ?? '';
}
