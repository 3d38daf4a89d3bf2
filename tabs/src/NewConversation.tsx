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
  MessageBarBody,
  Radio,
  RadioGroup,
  SearchBox,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { useTab } from './context';
import type { Contact, ThreadSummary } from './types';
import { errorText } from './words';

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
  }, [props.open]);

  const addContact = async () => {
    if (!name.trim() || !phone.trim()) {
      setError(t.t('tab.dialog.new.name_required'));
      return;
    }
    setBusy(true);
    try {
      const { contact } = await api.addContact(name.trim(), phone.trim());
      setError(null);
      setConfirming(contact);
    } catch (e) {
      setError(errorText(t, e));
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
                      <Radio key={c.id} value={c.id} label={`${c.name} · ${c.phone}`} />
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
