import { describe, expect, it } from 'vitest';
import { ChatAttention } from '../../../bot/src/app/chat-attention.js';

describe('ChatAttention (issue 10)', () => {
  it('lists the other conversations that got a card since the user last worked, oldest first', () => {
    const a = new ChatAttention();
    a.arrived('alice', 't-maria');
    a.arrived('alice', 't-bob');
    a.arrived('alice', 't-maria');
    a.arrived('carol', 't-zoe');
    expect(a.since('alice', 't-bob')).toEqual(['t-maria']);
    expect(a.since('alice')).toEqual(['t-bob', 't-maria']);
    a.worked('alice');
    expect(a.since('alice')).toEqual([]);
    expect(a.since('carol')).toEqual(['t-zoe']);
  });
});
