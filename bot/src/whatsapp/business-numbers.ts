/**
 * The business numbers this app serves, each with its Cloud API client. The configured number
 * always; any other number an organisation registered (admin CLI) too, with the same access
 * token, since a System User token covers every number of the WhatsApp Business Account.
 * Webhooks are routed by metadata.phone_number_id through here.
 */
import type { Store } from '../store/port.js';
import { CloudApiClient, type CloudApiClientOptions } from './cloud-api-client.js';

export class BusinessNumbers {
  private readonly clients = new Map<string, CloudApiClient>();

  constructor(
    private readonly base: Omit<CloudApiClientOptions, 'phoneNumberId'> & {
      readonly phoneNumberId: string;
    },
    private readonly store: Pick<Store, 'getOrganisationByBusinessNumber'>,
  ) {
    this.clients.set(base.phoneNumberId, new CloudApiClient(base));
  }

  /** The client for a number, or undefined for a number no organisation here owns. */
  async clientFor(phoneNumberId: string): Promise<CloudApiClient | undefined> {
    const known = this.clients.get(phoneNumberId);
    if (known) return known;
    const org = await this.store.getOrganisationByBusinessNumber(phoneNumberId);
    if (!org?.enabled) return undefined;
    const client = new CloudApiClient({ ...this.base, phoneNumberId });
    this.clients.set(phoneNumberId, client);
    return client;
  }
}
