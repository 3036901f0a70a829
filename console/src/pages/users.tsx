import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import {
  Button,
  Checkbox,
  CheckboxGroup,
  Dialog,
  DialogTrigger,
  Form,
  Heading,
  Label,
  Modal,
} from 'react-aria-components';
import { ACTIONS, type Action, ROLES, type Role } from '../../../schemas/accounts/roles';
import type { UserView } from '../../../schemas/accounts/users';
import { useSession } from '../app-context';
import { Choice, Field } from '../components/fields';
import { Empty, ErrorMessage, formatTime, Loading, Notice, PageTitle } from '../components/status';

const ROLE_OPTIONS = ROLES.map((role) => ({ id: role, label: role[0]?.toUpperCase() + role.slice(1) }));

function InviteForm() {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('clinician');
  const invite = useMutation({
    mutationFn: () => api.post<UserView>('/v1/users', { email, name, role }),
    onSuccess: () => {
      setEmail('');
      setName('');
      return queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
  return (
    <Form
      className="inline-form panel"
      onSubmit={(event) => {
        event.preventDefault();
        invite.mutate();
      }}
    >
      <h2>Invite a user</h2>
      <p>Each person gets their own login; a temporary password is mailed to them and expires.</p>
      <Field label="Name" name="name" value={name} onChange={setName} isRequired autoComplete="off" />
      <Field
        label="Email"
        name="email"
        type="email"
        value={email}
        onChange={setEmail}
        isRequired
        autoComplete="off"
      />
      <Choice label="Role" value={role} options={ROLE_OPTIONS} onChange={setRole} />
      <Button type="submit" isDisabled={invite.isPending}>
        Send invitation
      </Button>
      <ErrorMessage error={invite.error} />
      {invite.data ? <Notice>Invitation sent to {invite.data.email}.</Notice> : null}
    </Form>
  );
}

/** Per-person permissions beyond the role's defaults; the API refuses grants the administrator may not make. */
function PermissionsEditor({ user, onSaved }: { user: UserView; onSaved: () => Promise<unknown> }) {
  const { api } = useSession();
  const [selected, setSelected] = useState<string[]>(user.permissions);
  const save = useMutation({
    mutationFn: () => api.patch<UserView>(`/v1/users/${user.userId}`, { permissions: selected as Action[] }),
    onSuccess: onSaved,
  });
  return (
    <DialogTrigger onOpenChange={(isOpen) => isOpen && setSelected(user.permissions)}>
      <Button className="secondary">Permissions</Button>
      <Modal className="modal" isDismissable>
        <Dialog className="dialog">
          {({ close }) => (
            <Form
              onSubmit={(event) => {
                event.preventDefault();
                save.mutate(undefined, { onSuccess: close });
              }}
            >
              <Heading slot="title">Permissions of {user.name}</Heading>
              <CheckboxGroup className="permissions" value={selected} onChange={setSelected}>
                <Label>What {user.name} may do</Label>
                {ACTIONS.map((action) => (
                  <Checkbox key={action} value={action} className="checkbox">
                    {({ isSelected }) => (
                      <>
                        <span className="checkbox-box" aria-hidden="true">
                          {isSelected ? '✓' : ''}
                        </span>
                        {action}
                      </>
                    )}
                  </Checkbox>
                ))}
              </CheckboxGroup>
              <ErrorMessage error={save.error} />
              <div className="actions">
                <Button className="secondary" onPress={close}>
                  Cancel
                </Button>
                <Button type="submit" isDisabled={save.isPending}>
                  Save permissions
                </Button>
              </div>
            </Form>
          )}
        </Dialog>
      </Modal>
    </DialogTrigger>
  );
}

function UserRow({ user, self }: { user: UserView; self: boolean }) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['users'] });
  const change = useMutation({
    mutationFn: (action: { method: 'POST' | 'PATCH' | 'DELETE'; path: string; json?: unknown }) =>
      api.json(
        action.method,
        `/v1/users/${user.userId}${action.path}`,
        action.json ? { json: action.json } : {},
      ),
    onSuccess: refresh,
  });
  return (
    <tr>
      <td>{user.name}</td>
      <td>{user.email}</td>
      <td>
        {self ? (
          user.role
        ) : (
          <Choice
            label={`Role of ${user.name}`}
            value={user.role}
            options={ROLE_OPTIONS}
            onChange={(role) => change.mutate({ method: 'PATCH', path: '', json: { role } })}
          />
        )}
      </td>
      <td>{user.permissions.join(', ')}</td>
      <td>
        {user.status}
        {user.invitationExpiresAt ? ` · invited, expires ${formatTime(user.invitationExpiresAt)}` : ''}
      </td>
      <td className="row-actions">
        {self ? (
          'You'
        ) : (
          <>
            <PermissionsEditor user={user} onSaved={refresh} />
            {user.status === 'active' ? (
              <Button
                className="secondary"
                onPress={() => change.mutate({ method: 'POST', path: '/disable' })}
              >
                Disable
              </Button>
            ) : (
              <Button
                className="secondary"
                onPress={() => change.mutate({ method: 'POST', path: '/enable' })}
              >
                Enable
              </Button>
            )}
            {user.invitationExpiresAt ? (
              <Button
                className="secondary"
                onPress={() => change.mutate({ method: 'POST', path: '/invitation' })}
              >
                Resend invitation
              </Button>
            ) : null}
            <Button className="danger" onPress={() => change.mutate({ method: 'DELETE', path: '' })}>
              Remove
            </Button>
          </>
        )}
        <ErrorMessage error={change.error} />
      </td>
    </tr>
  );
}

export function UsersPage() {
  const { api, me } = useSession();
  const users = useQuery({ queryKey: ['users'], queryFn: () => api.get<{ users: UserView[] }>('/v1/users') });
  return (
    <>
      <PageTitle description="Logins, roles and permissions in your organization.">Users and roles</PageTitle>
      <InviteForm />
      {users.isPending ? <Loading what="users" /> : null}
      <ErrorMessage error={users.error} />
      {users.data?.users.length === 0 ? <Empty>No users yet.</Empty> : null}
      {users.data && users.data.users.length > 0 ? (
        <table className="table">
          <caption className="visually-hidden">Users</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Permissions</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.data.users.map((user) => (
              <UserRow key={user.userId} user={user} self={user.userId === me.user.userId} />
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
