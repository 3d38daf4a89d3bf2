/** Small dialogs the actions use: confirm, and pick a colleague. */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Radio,
  RadioGroup,
  Spinner,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { useTab } from './context';
import type { UserRef } from './types';

export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  body: string;
  confirm: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTab();
  return (
    <Dialog open={props.open} onOpenChange={(_e, d) => !d.open && props.onCancel()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{props.title}</DialogTitle>
          <DialogContent>{props.body}</DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={props.onConfirm}>
              {props.confirm}
            </Button>
            <Button onClick={props.onCancel}>{t.t('tab.action.cancel')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** Pick one user from a list loaded when the dialog opens (candidates, or participants). */
export function PickUserDialog(props: {
  open: boolean;
  title: string;
  confirm: string;
  empty: string;
  load: () => Promise<readonly UserRef[]>;
  onPick: (user: UserRef) => void;
  onCancel: () => void;
}) {
  const { t } = useTab();
  const { open, load } = props;
  const [users, setUsers] = useState<readonly UserRef[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [picked, setPicked] = useState<string>('');
  useEffect(() => {
    if (!open) return;
    setUsers(null);
    setPicked('');
    setFailed(false);
    load().then(setUsers, () => setFailed(true));
  }, [open, load]);
  const user = users?.find((u) => u.id === picked);
  return (
    <Dialog open={open} onOpenChange={(_e, d) => !d.open && props.onCancel()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{props.title}</DialogTitle>
          <DialogContent>
            {failed ? (
              t.t('tab.error.server')
            ) : users === null ? (
              <Spinner label={t.t('tab.loading')} />
            ) : users.length === 0 ? (
              props.empty
            ) : (
              <RadioGroup
                aria-label={props.title}
                value={picked}
                onChange={(_e, d) => setPicked(d.value)}
              >
                {users.map((u) => (
                  <Radio key={u.id} value={u.id} label={u.name} />
                ))}
              </RadioGroup>
            )}
          </DialogContent>
          <DialogActions>
            <Button
              appearance="primary"
              disabled={!user}
              onClick={() => user && props.onPick(user)}
            >
              {props.confirm}
            </Button>
            <Button onClick={props.onCancel}>{t.t('tab.action.cancel')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
