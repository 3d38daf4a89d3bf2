/**
 * The picker's search as the user types (colleague-search.ts): what Teams' typeahead shows
 * for the letters typed, and which datasets are ours.
 */
import { describe, expect, it } from 'vitest';
import {
  LISTED_COLLEAGUES,
  listed,
  matching,
  parseDataset,
  pickerQuery,
} from '../../../bot/src/teams/colleague-search.js';

const people = [
  { id: 'u1', name: 'Ana Souza' },
  { id: 'u2', name: 'Mariana Lopes' },
  { id: 'u3', name: 'José Álvarez' },
  { id: 'u4', name: 'Anabel Ruiz' },
  { id: 'u5', name: 'Ben Brown' },
];

describe('finding a colleague as the user types', () => {
  it('finds names holding the letters, those with a word starting with them first, by name', () => {
    expect(matching(people, 'ana', 'en').map((u) => u.name)).toEqual([
      'Ana Souza',
      'Anabel Ruiz',
      'Mariana Lopes',
    ]);
  });

  it('ignores accents and case, and lists everyone by name for no letters', () => {
    expect(matching(people, 'JOSE alv', 'en').map((u) => u.id)).toEqual(['u3']);
    expect(matching(people, '', 'en').map((u) => u.name)).toEqual([
      'Ana Souza',
      'Anabel Ruiz',
      'Ben Brown',
      'José Álvarez',
      'Mariana Lopes',
    ]);
  });

  it('answers a page at a time, never more than the 15 Teams shows', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ id: `s${i}`, name: `Staff ${i + 10}` }));
    expect(matching(many, 'staff', 'en', { top: 100 })).toHaveLength(15);
    expect(matching(many, 'staff', 'en', { skip: 30, top: 15 }).map((u) => u.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `Staff ${i + 40}`),
    );
  });

  it('lists the first colleagues by name on the card itself', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ id: `s${i}`, name: `Staff ${i + 10}` }));
    const first = listed(many, 'en');
    expect(first).toHaveLength(LISTED_COLLEAGUES);
    expect(first[0]!.name).toBe('Staff 10');
  });

  it('reads back only its own datasets', () => {
    const query = pickerQuery('assignees', 'thread-1.a');
    expect(query).toEqual({ type: 'Data.Query', dataset: 'wa4t.assignees.thread-1.a' });
    expect(parseDataset(query.dataset)).toEqual({ list: 'assignees', threadId: 'thread-1.a' });
    for (const other of ['npm', 'wa4t.', 'wa4t.people.t1', 'wa4t.colleagues.', 42, undefined])
      expect(parseDataset(other)).toBeUndefined();
  });
});
