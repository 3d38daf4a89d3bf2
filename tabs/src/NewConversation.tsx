/**
 * New conversation: find a contact or add one, then confirm the opt-in request the contact
 * will receive, as the bot's opt-in card asks.
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Radio,
  RadioGroup,
  SearchBox,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { useTab } from './context';
import type { Contact, DuplicateContactBody, ThreadSummary } from './types';
import { errorText } from './words';
import { TabApiError } from './api';

/** reply (issue 10): the 409 that asks whether to rename a contact or keep both names. */
function duplicateOf(error: unknown): { existing: Contact; name: string } | null {
  if (!(error instanceof TabApiError) || error.code !== 'contact.duplicate') return null;
  const body = error.body as Partial<DuplicateContactBody> | undefined;
  if (!body?.existing || typeof body.requested?.name !== 'string') return null;
  return { existing: body.existing, name: body.requested.name };
}

const useStyles = makeStyles({
  stack: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  add: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    paddingTop: tokens.spacingVerticalM,
  },
  search: { width: '100%', maxWidth: '100%' },
  heading: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
});

export function NewConversationDialog(props: {
  open: boolean;
  onClose: () => void;
  onStarted: (thread: ThreadSummary) => void;
}) {
  const { api, t } = useTab();
  const styles = useStyles();
  const [q, setQ] = useState('');
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [picked, setPicked] = useState('');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<Contact | null>(null);
  const [busy, setBusy] = useState(false);
  // reply (issue 10): the number is already a contact under another name: rename or keep both?
  const [duplicate, setDuplicate] = useState<{ existing: Contact; name: string } | null>(null);

  useEffect(() => {
    if (!props.open) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      api.contacts(q.trim()).then(
        (res) => !cancelled && setContacts(res.contacts),
        (e: unknown) => !cancelled && setError(errorText(t, e)),
      );
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, t, q, props.open]);

  useEffect(() => {
    if (props.open) return;
    setQ('');
    setPicked('');
    setName('');
    setPhone('');
    setError(null);
    setConfirming(null);
    setDuplicate(null);
  }, [props.open]);

  const addContact = async (onDuplicate?: 'rename' | 'both') => {
    if (!name.trim() || !phone.trim()) {
      setError(t.t('tab.dialog.new.name_required'));
      return;
    }
    setBusy(true);
    try {
      const { contact } = await api.addContact(name.trim(), phone.trim(), onDuplicate);
      setError(null);
      setDuplicate(null);
      setConfirming(contact);
    } catch (e) {
      const asked = duplicateOf(e);
      if (asked) {
        setError(null);
        setDuplicate(asked);
      } else setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  const start = async (contact: Contact) => {
    setBusy(true);
    try {
      const { thread } = await api.startConversation(contact.id);
      props.onStarted(thread);
    } catch (e) {
      setError(errorText(t, e));
      setConfirming(null);
    } finally {
      setBusy(false);
    }
  };

  const contact = contacts.find((c) => c.id === picked);
  return (
    <Dialog open={props.open} onOpenChange={(_e, d) => !d.open && props.onClose()}>
      <DialogSurface>
        <DialogBody>
          {confirming ? (
            <>
              <DialogTitle>
                {t.t('tab.dialog.new.confirm_title', { contact: confirming.name })}
              </DialogTitle>
              <DialogContent>
                {t.t('tab.dialog.new.confirm_body', { contact: confirming.name })}
              </DialogContent>
              <DialogActions>
                <Button appearance="primary" disabled={busy} onClick={() => void start(confirming)}>
                  {t.t('tab.dialog.new.confirm')}
                </Button>
                <Button onClick={() => setConfirming(null)}>{t.t('tab.action.cancel')}</Button>
              </DialogActions>
            </>
          ) : (
            <>
              <DialogTitle>{t.t('tab.dialog.new.title')}</DialogTitle>
              <DialogContent className={styles.stack}>
                {error && (
                  <MessageBar layout="multiline" intent="error">
                    <MessageBarBody>{error}</MessageBarBody>
                  </MessageBar>
                )}
                {duplicate && (
                  <MessageBar layout="multiline" intent="warning">
                    <MessageBarBody>
                      {t.t('keepboth.question', {
                        phone: duplicate.existing.phone,
                        existing: duplicate.existing.name,
                        name: duplicate.name,
                      })}
                    </MessageBarBody>
                    <MessageBarActions>
                      <Button disabled={busy} onClick={() => void addContact('rename')}>
                        {t.t('reply.duplicate.rename', { name: duplicate.name })}
                      </Button>
                      <Button disabled={busy} onClick={() => void addContact('both')}>
                        {t.t('keepboth.keep_both')}
                      </Button>
                    </MessageBarActions>
                  </MessageBar>
                )}
                <Field label={t.t('tab.dialog.new.search')}>
                  <SearchBox
                    className={styles.search}
                    value={q}
                    onChange={(_e, d) => setQ(d.value)}
                  />
                </Field>
                {contacts.length === 0 ? (
                  <span>{t.t('tab.dialog.new.none')}</span>
                ) : (
                  <RadioGroup
                    aria-label={t.t('tab.dialog.new.search')}
                    value={picked}
                    onChange={(_e, d) => setPicked(d.value)}
                  >
                    {contacts.map((c) => (
                      <Radio
                        key={c.id}
                        value={c.id}
                        // keepboth (issue 10 item 4): the name shown, the user's other names after.
                        label={
                          c.aliases && c.aliases.length > 0
                            ? `${c.name} · ${c.phone} · ${t.t('keepboth.also_saved_as_list', { names: c.aliases.join(', ') })}`
                            : `${c.name} · ${c.phone}`
                        }
                      />
                    ))}
                  </RadioGroup>
                )}
                <form
                  className={styles.add}
                  onSubmit={(e) => {
                    e.preventDefault();
                    void addContact();
                  }}
                >
                  <h3 className={styles.heading}>{t.t('tab.dialog.new.add_title')}</h3>
                  <Field label={t.t('tab.dialog.new.name')}>
                    <Input value={name} onChange={(_e, d) => setName(d.value)} />
                  </Field>
                  <Field label={t.t('tab.dialog.new.phone')}>
                    <Input type="tel" value={phone} onChange={(_e, d) => setPhone(d.value)} />
                  </Field>
                  <Button type="submit" disabled={busy}>
                    {t.t('tab.dialog.new.add')}
                  </Button>
                </form>
              </DialogContent>
              <DialogActions>
                <Button
                  appearance="primary"
                  disabled={!contact}
                  onClick={() => contact && setConfirming(contact)}
                >
                  {t.t('tab.dialog.new.next')}
                </Button>
                <Button onClick={props.onClose}>{t.t('tab.action.cancel')}</Button>
              </DialogActions>
            </>
          )}
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
