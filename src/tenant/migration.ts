/**
 * Number migrations as state machines (seeds 000, 001). Each kind is an ordered list of steps;
 * a step runs only from the state before it, does the tenant change it names, and records when.
 * The pitfalls are modelled, not skipped:
 *  - the number is out of service from the moment it leaves its old service until it is
 *    assigned again (inbound calls to it are rejected with that reason);
 *  - removing an on-premises line URI (Set-CsUser -OnPremLineURI $null) takes effect only after
 *    the directory sync delay, and the new number cannot be assigned before;
 *  - leftover PSTN usages / an online voice routing policy keep calls going to the gateway:
 *    the clean-up step refuses while the user still has them.
 * Time comes in as `now` (ms) so replaying a journal gives the same result.
 */
import { OcrouteError } from '../errors';
import {
  assignNumber, getNumber, getUser, normalizeNumber, releaseNumber, unassignNumber, uploadNumber,
} from './directory';
import { own, type TenantData } from './types';
import { effectiveGrant } from './groups';

export type MigrationKind =
  | 'CallingPlan->OperatorConnect'
  | 'DirectRouting->OperatorConnect'
  | 'DirectRouting->OCMobile'
  | 'OperatorConnect->OCMobile';

export interface Migration {
  id: string;
  kind: MigrationKind;
  user: string;
  number: string;
  operator: string;
  /** Last step done ('started' before any). */
  state: string;
  history: { step: string; at: number }[];
  /** When an on-premises line URI removal has synced (DirectRouting kinds). */
  syncDoneAt?: number;
}

interface Step { name: string; run(t: TenantData, m: Migration, now: number, syncDelayMs: number): void }

const fail = (code: string, message: string, field = 'step'): never => {
  throw new OcrouteError(code, message, { field });
};

/** The number leaves its old service: from here until 'assign' it is out of service. */
const releaseOld: Step = {
  name: 'releaseOld',
  run(t, m) {
    const pn = own(t.numbers, m.number);
    if (pn?.assignedTo) fail('E_MIGRATION', `${m.number} is still assigned to ${pn.assignedTo}; do the unassign ` +
      `step first`);
    if (pn) releaseNumber(t, m.number);
  },
};

const unassignOnline: Step = {
  name: 'unassign',
  run(t, m) {
    const u = getUser(t, m.user, 'user');
    if (u.phoneNumber !== m.number) fail('E_MIGRATION', `${m.number} is not assigned online to ${m.user}`);
    unassignNumber(t, m.user);
  },
};

const removeOnPrem: Step = {
  name: 'removeOnPremLineUri',
  run(t, m, now, delay) {
    const u = getUser(t, m.user, 'user');
    if (u.phoneNumber === m.number) {
      // Assigned online (Set-CsPhoneNumberAssignment): removal is immediate, no sync to wait for.
      unassignNumber(t, m.user);
      m.syncDoneAt = now;
      return;
    }
    if (u.onPremLineUri !== m.number) fail('E_MIGRATION', `${m.user} has neither an online assignment nor ` +
      `OnPremLineURI ${m.number}`);
    // On-premises: the change syncs from Active Directory later; until then the old line stays.
    m.syncDoneAt = now + delay;
  },
};

const removeRouting: Step = {
  name: 'removeVoiceRouting',
  run(t, m) {
    const u = getUser(t, m.user, 'user');
    const ovrp = effectiveGrant(t, u, 'onlineVoiceRoutingPolicy').name ?? 'Global';
    const usages = ovrp ? own(t.onlineVoiceRoutingPolicies, ovrp)?.onlinePstnUsages ?? [] : [];
    if (usages.length) {
      fail('E_MIGRATION', `${m.user} still has online voice ` +
        `routing policy '${ovrp}' with PSTN usages ${usages.join(', ')}: calls would keep going to the gateway. ` +
        `Remove it (Grant-CsOnlineVoiceRoutingPolicy -Identity ${m.user} -PolicyName $Null) or its usages first`);
    }
  },
};

const upload = (capability: 'user' | 'mobile'): Step => ({
  name: 'upload',
  run(t, m) {
    if (own(t.numbers, m.number)) fail('E_MIGRATION', `${m.number} is still in the ` +
      `tenant as ${getNumber(t, m.number).numberType}; release it first`);
    uploadNumber(t, { number: m.number, operator: m.operator, capability });
  },
});

const assign: Step = {
  name: 'assign',
  run(t, m, now) {
    const u = getUser(t, m.user, 'user');
    if (m.syncDoneAt !== undefined) {
      if (now < m.syncDoneAt) {
        fail('E_MIGRATION_SYNC', `the OnPremLineURI removal for ${m.user} has not synced ` +
          `yet (about ${Math.ceil((m.syncDoneAt - now) / 1000)} s left); the number stays out of service until then`);
      }
      delete u.onPremLineUri;
    }
    assignNumber(t, m.user, m.number);
  },
};

const step = (name: string, run: Step['run']): Step => ({ name, run });

const KINDS: Record<MigrationKind, Step[]> = {
  // Seed 000: port with the operator, unassign, remove the Calling Plan license, upload, assign.
  'CallingPlan->OperatorConnect': [
    step('port', () => undefined),
    unassignOnline,
    step('removeCallingPlanLicense', (t, m) => {
      const u = getUser(t, m.user, 'user');
      u.licenses = u.licenses.filter((l) => l !== 'CallingPlan');
    }),
    releaseOld,
    upload('user'),
    assign,
  ],
  // Seed 000: OnPremLineURI $null, remove PSTN usages, operator uploads, assign.
  'DirectRouting->OperatorConnect': [removeOnPrem, removeRouting, releaseOld, upload('user'), assign],
  // Seed 001: same for SIM-enabled numbers, and the user needs the OC Mobile add-on.
  'DirectRouting->OCMobile': [removeOnPrem, removeRouting, releaseOld, upload('mobile'), assign],
  // Seed 001: the operator moves the number to mobile; unassign, re-upload as OCMobile, assign.
  'OperatorConnect->OCMobile': [unassignOnline, releaseOld, upload('mobile'), assign],
};

export const MIGRATION_KINDS = Object.keys(KINDS) as MigrationKind[];
export const stepsOf = (kind: MigrationKind): string[] => KINDS[kind].map((s) => s.name);

export function startMigration(
  t: TenantData, input: { id: string; kind: MigrationKind; user: string; number: string; operator: string },
  now: number,
): Migration {
  if (!own(KINDS, input.kind)) fail('E_VALUE', `kind must be one of ${MIGRATION_KINDS.join(', ')}`, 'kind');
  const user = getUser(t, input.user, 'user');
  const number = normalizeNumber(t, input.number);
  if (!own(t.operators, input.operator))
    fail('E_UNKNOWN_OPERATOR', `operator '${input.operator}' is not enabled in this tenant`, 'operator');
  t.migrations ??= {};
  const busy = Object.values(t.migrations).find((m) => m.number === number && m.state !== 'done');
  if (busy) fail('E_MIGRATION', `${number} is already migrating (${busy.id}, ${busy.kind})`, 'number');
  const m: Migration = {
    id: input.id, kind: input.kind, user: user.upn, number, operator: input.operator, state: 'started',
    history: [{ step: 'started', at: now }],
  };
  t.migrations[m.id] = m;
  return m;
}

/** Run the next step, which must be `stepName`: out-of-order steps are refused with the expected one. */
export function advanceMigration(
  t: TenantData, id: string, stepName: string, now: number, syncDelayMs: number,
): Migration {
  const m = (t.migrations && own(t.migrations, id)) ?? fail('E_UNKNOWN_MIGRATION', `no migration '${id}'`, 'id');
  if (m.state === 'done') fail('E_MIGRATION', `migration ${id} is already done`);
  const steps = KINDS[m.kind];
  const i = m.state === 'started' ? 0 : steps.findIndex((s) => s.name === m.state) + 1;
  if (steps[i].name !== stepName) {
    fail(
      'E_MIGRATION_ORDER',
      `${m.kind}: next step is '${steps[i].name}', not '${stepName}' (steps: ${stepsOf(m.kind).join(' -> ')})`,
    );
  }
  steps[i].run(t, m, now, syncDelayMs);
  m.history.push({ step: stepName, at: now });
  m.state = i === steps.length - 1 ? 'done' : stepName;
  return m;
}

/** Numbers out of service: a migration has started and has not reached 'assign'. */
export function migratingNumbers(t: TenantData): Map<string, Migration> {
  const out = new Map<string, Migration>();
  for (const m of Object.values(t.migrations ?? {}))
    if (m.state !== 'done' && m.state !== 'started') out.set(m.number, m);
  return out;
}
