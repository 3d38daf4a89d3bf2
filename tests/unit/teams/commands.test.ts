import { describe, expect, it } from 'vitest';
import { asPhoneNumber, parseCommand, plainText } from '../../../bot/src/teams/commands.js';

describe('the command parser', () => {
  it.each([
    ['help', { type: 'help' }],
    ['HELP', { type: 'help' }],
    ['  Contacts ', { type: 'contacts' }],
    ['threads', { type: 'threads' }],
    ['Info', { type: 'info' }],
    ['new Maria Silva', { type: 'new', query: 'Maria Silva' }],
    ['NEW +44 7700 900123', { type: 'new', query: '+44 7700 900123' }],
    ['open maria', { type: 'open', query: 'maria' }],
  ])('should read %j as a command', (text, command) => {
    expect(parseCommand(text)).toEqual(command);
  });

  it('should read add contact with a name of several words and a number with spaces and a +', () => {
    expect(parseCommand('add contact Maria da Silva +55 11 98765-4321')).toEqual({
      type: 'add_contact',
      name: 'Maria da Silva',
      phone: '5511987654321',
    });
    expect(parseCommand('Add Contact Bob 0044 20 7946 0000')).toEqual({
      type: 'add_contact',
      name: 'Bob',
      phone: '442079460000',
    });
  });

  it('should explain add contact when the name or the number is missing or is not a number', () => {
    expect(parseCommand('add contact')).toEqual({ type: 'add_contact_usage' });
    expect(parseCommand('add contact Bob')).toEqual({ type: 'add_contact_usage' });
    expect(parseCommand('add contact +44 20 7946 0000')).toEqual({ type: 'add_contact_usage' });
    // A name and a number that is wrong: what is wrong with it (issue 10).
    expect(parseCommand('add contact Bob 12345')).toEqual({
      type: 'add_contact_invalid',
      phone: '12345',
      problem: 'too_short',
    });
    expect(parseCommand('add contact Bob 020 7946 0000')).toMatchObject({
      problem: 'no_country_code',
    });
    expect(parseCommand('add contact Bob +44 20 7946 00OO')).toMatchObject({ problem: 'letters' });
  });

  it('should treat anything else as a message for the current conversation', () => {
    for (const text of [
      'Hello Maria',
      'newsletter attached',
      'help me with the invoice',
      'info: the box is damaged',
      'new',
      'opening hours?',
    ]) {
      expect(parseCommand(text)).toBeUndefined();
    }
  });

  it('should strip the markup Teams may wrap around the words', () => {
    expect(plainText('<p>help&nbsp;</p>')).toBe('help');
    expect(parseCommand('<at>WhatsApp for Teams</at> threads')).toEqual({ type: 'threads' });
  });

  it('should read a query that is a number as E.164 digits, and a name as no number', () => {
    expect(asPhoneNumber('+44 (20) 7946-0000')).toBe('442079460000');
    expect(asPhoneNumber('Maria')).toBeUndefined();
  });
});
