import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Forbidden } from '../lib/errors.ts';
import { assertMay, personOf, refusal, type Caller, type Duty } from './duties.fns.ts';

const analyst: Caller = { actor: 'staff:an-1', role: 'analyst' };
const admin: Caller = { actor: 'staff:adm-1', role: 'admin' };
const support: Caller = { actor: 'staff:ag-1', role: 'support' };
const may = (who: Caller, d: Duty) => refusal(who, d) === null;

describe('separation of duties', () => {
  test('the person behind an actor or a staff id', () => {
    assert.equal(personOf('staff:u-17'), 'u-17');
    assert.equal(personOf('seller:s-3'), 's-3');
    assert.equal(personOf('u-17'), 'u-17');
    assert.equal(personOf('device:dev_1'), null);
    assert.equal(personOf('service:key_x'), null);
  });

  test('nobody acts on a case of their own, whatever their role', () => {
    for (const action of ['assign', 'comment', 'close', 'undo', 'escalate'] as const) {
      assert.equal(
        may({ actor: 'staff:adm-1', role: 'admin' }, { on: 'case', action, suspect: 'staff:adm-1' }),
        false,
        action,
      );
      assert.equal(
        may({ actor: 'staff:adm-1' }, { on: 'case', action, suspect: 'staff:adm-1' }),
        false,
        `${action}, actor only`,
      );
      assert.equal(
        may({ actor: 'staff:adm-2', role: 'admin' }, { on: 'case', action, suspect: 'staff:adm-1' }),
        true,
        `${action} by another admin`,
      );
    }
    assert.match(refusal(analyst, { on: 'case', action: 'close', suspect: 'staff:an-1' })!, /suspect of this case/);
    // A seller account's case is theirs too; a device's case has no person concerned.
    assert.equal(
      may({ actor: 'seller:s-3', role: 'admin' }, { on: 'case', action: 'close', suspect: 'seller:s-3' }),
      false,
    );
    assert.equal(may(analyst, { on: 'case', action: 'close', suspect: 'device:dev_1' }), true);
  });

  test('a case is not assigned to its suspect, and an undo never restores the caller’s own grants', () => {
    assert.match(
      refusal(analyst, { on: 'case', action: 'assign', suspect: 'staff:u-9', assignee: 'u-9' })!,
      /own suspect/,
    );
    assert.equal(may(analyst, { on: 'case', action: 'assign', suspect: 'staff:u-9', assignee: 'an-2' }), true);
    assert.match(
      refusal(admin, { on: 'case', action: 'undo', suspect: 'device:dev_1', grantHolders: ['adm-1'] })!,
      /your own grants/,
    );
    assert.equal(may(admin, { on: 'case', action: 'undo', suspect: 'staff:u-9', grantHolders: ['u-9'] }), true);
  });

  test('roles: analysts triage, admins and supervisors undo and approve; privacy officers escalate', () => {
    assert.equal(may(analyst, { on: 'case', action: 'undo', suspect: 'staff:u-9' }), false);
    assert.equal(may(support, { on: 'case', action: 'close', suspect: 'staff:u-9' }), false);
    assert.equal(
      may({ actor: 'staff:po-1', role: 'privacy' }, { on: 'case', action: 'escalate', suspect: 'staff:u-9' }),
      true,
    );
    assert.equal(
      may({ actor: 'staff:po-1', role: 'privacy' }, { on: 'case', action: 'close', suspect: 'staff:u-9' }),
      false,
    );
  });

  test('grants, break-glass and exports are decided by a second person with an approver role', () => {
    for (const action of ['approve', 'refuse'] as const) {
      assert.match(refusal(admin, { on: 'grant', action, holder: 'adm-1' })!, /second person/);
      assert.equal(may({ actor: 'staff:sup-1', role: 'supervisor' }, { on: 'grant', action, holder: 'adm-1' }), true);
      assert.match(refusal(analyst, { on: 'grant', action, holder: 'adm-1' })!, /decided by admin or supervisor/);
      assert.match(refusal(admin, { on: 'export', action, requester: 'adm-1' })!, /second person/);
      assert.equal(may(admin, { on: 'export', action, requester: 'an-1' }), true);
      assert.equal(may(analyst, { on: 'export', action, requester: 'adm-1' }), false);
    }
    assert.match(refusal(admin, { on: 'break_glass', action: 'sign_off', user: 'staff:adm-1' })!, /someone else/);
    assert.equal(may(admin, { on: 'break_glass', action: 'sign_off', user: 'staff:ag-1' }), true);
    assert.equal(may(support, { on: 'break_glass', action: 'sign_off', user: 'staff:ag-2' }), false);
    assert.equal(may(analyst, { on: 'grant', action: 'suspend', holder: 'u-9' }), true);
    assert.equal(may(analyst, { on: 'grant', action: 'suspend', holder: 'an-1' }), false);
    assert.equal(may(admin, { on: 'grant', action: 'restore', holder: 'adm-1' }), false);
  });

  test('devices: analysts quarantine, admins and supervisors also release; an API key needs the admin scope', () => {
    assert.equal(may(analyst, { on: 'device', action: 'restricted' }), true);
    assert.equal(may(analyst, { on: 'device', action: 'revoked' }), true);
    assert.match(
      refusal(analyst, { on: 'device', action: 'active' })!,
      /back in service needs one of the roles admin, supervisor/,
    );
    assert.equal(may(admin, { on: 'device', action: 'active' }), true);
    assert.equal(may(support, { on: 'device', action: 'revoked' }), false);
    assert.equal(may({ actor: 'service:key_a', scopes: ['admin'] }, { on: 'device', action: 'active' }), true);
    assert.equal(may({ actor: 'service:key_a', scopes: ['platform'] }, { on: 'device', action: 'revoked' }), false);
    assert.equal(
      may({ actor: 'service:key_a', scopes: ['admin'] }, { on: 'grant', action: 'approve', holder: 'u-1' }),
      false,
      'a key never stands in for the second person',
    );
  });

  test('assertMay throws Forbidden with the reason', () => {
    assert.throws(
      () => assertMay(analyst, { on: 'case', action: 'close', suspect: 'staff:an-1' }),
      (e: Forbidden) => e instanceof Forbidden && /suspect/.test(e.message),
    );
    assert.doesNotThrow(() => assertMay(analyst, { on: 'case', action: 'close', suspect: 'staff:u-9' }));
  });
});
