/**
 * One contract for every Store implementation (SQLite, MongoDB), in the product's words.
 * Each test gets a fresh, empty store from `makeStore`; `makeTwoClients` opens two clients
 * on one fresh store (two connections, as two instances would have).
 */
import { describe } from 'vitest';
import { describeBudgetContract } from './contract-budgets.js';
import { describeChatArrivalsContract } from './contract-chat-arrivals.js';
import { describeGatherContract } from './contract-gather.js';
import { describeConcurrentCommitContract } from './contract-concurrent-commits.js';
import { describeMediaOnceContract } from './contract-media.js';
import { describeMessageRangeContract } from './contract-message-range.js';
import { describeOutboxContract } from './contract-outbox.js';
import { describeOpsContract } from './contract-ops.js';
import { describePendingQueueContract } from './contract-pending-queue.js';
import { describeQueryPlanContract } from './contract-query-plans.js';
import { describeParticipationContract } from './contract-participation.js';
import { describeRecordContract } from './contract-records.js';
import { describeTabContract } from './contract-tab.js';
import { describeStoreReviewContract } from './contract-store-review.js';
import { describeTeamsContract } from './contract-teams.js';
import { describeThreadContract } from './contract-threads.js';
import { describeThreadCardContract } from './contract-thread-cards.js';
import { describeAddressBookAliasContract } from './contract-address-book.js';
import { describeTwoClientContract } from './contract-two-clients.js';
import type { MakeStore, MakeTwoClients } from './store-fixtures.js';

export type { MakeStore, MakeTwoClients } from './store-fixtures.js';

export function describeStoreContract(
  name: string,
  makeStore: MakeStore,
  makeTwoClients: MakeTwoClients,
): void {
  describe(`${name} store contract`, () => {
    describeThreadContract(makeStore);
    describeMessageRangeContract(makeStore);
    describeOutboxContract(makeStore);
    describePendingQueueContract(makeStore);
    describeRecordContract(makeStore);
    describeTwoClientContract(makeTwoClients);
    describeConcurrentCommitContract(makeTwoClients);
    describeTeamsContract(makeStore, makeTwoClients);
    describeOpsContract(makeStore, makeTwoClients);
    describeTabContract(makeStore);
    describeQueryPlanContract(makeStore);
    describeStoreReviewContract(makeStore);
    // Delivery under load: send budgets shared by every instance.
    describeBudgetContract(makeStore, makeTwoClients);
    describeParticipationContract(makeStore);
    describeMediaOnceContract(makeStore, makeTwoClients);
    // reply (issue 10 item 1): chat arrivals kept in the store.
    describeChatArrivalsContract(makeStore, makeTwoClients);
    // release (issue 10): conversation cards updated in place
    describeThreadCardContract(makeStore);
    // gather (issue 11 item 2): gathered cards.
    describeGatherContract(makeStore);
    // keepboth (issue 10 item 4): the user's other names for a contact.
    describeAddressBookAliasContract(makeStore);
  });
}
