/**
 * The Audio Conferencing bridge (seed 002): service numbers on the bridge are listed for "find a
 * local number"; the default number goes into meeting invites. Operator Connect Conferencing
 * numbers may be on the bridge but never its default. An invite keeps the dial-in details it was
 * sent with, so changing the default affects new invites only.
 */
import { refuse } from '../errors';
import { getNumber, getUser } from './directory';
import type { E164 } from '../phone';
import { own, type TenantData } from './types';

export interface MeetingInvite {
  id: string;
  organizer: string;
  createdAt: number;
  subject?: string;
  /** Snapshot at scheduling time; null when the organizer has no Audio Conferencing license. */
  dialIn: { defaultNumber: E164 | null; conferenceId: string } | null;
  /** Why the invite has no dial-in details. */
  note?: string;
}

const fail = refuse;

/** Add a service number to the bridge, optionally as its default. */
export function addBridgeNumber(t: TenantData, numberInput: string, asDefault = false): void {
  const pn = getNumber(t, numberInput, 'bridge.numbers');
  if (pn.capability !== 'service') {
    fail('E_CAPABILITY', `${pn.number} is a ${pn.capability} number; only service (conferencing) numbers go on the ` +
      `Audio Conferencing bridge`, 'bridge.numbers');
  }
  if (pn.assignedTo && pn.assignedTo !== 'bridge') fail('E_ASSIGNED', `${pn.number} is already ` +
    `assigned to ${pn.assignedTo}`, 'bridge.numbers');
  if (asDefault) checkDefault(t, pn.number);
  pn.assignedTo = 'bridge';
  if (!t.bridge.numbers.includes(pn.number)) t.bridge.numbers.push(pn.number);
  if (asDefault) t.bridge.defaultNumber = pn.number;
}

function checkDefault(t: TenantData, number: E164): void {
  if (own(t.numbers, number)?.numberType === 'OperatorConnect') {
    fail('E_BRIDGE_DEFAULT', `${number} is an Operator Connect Conferencing number; it can't be a default number of ` +
      `the bridge`, 'bridge.defaultNumber');
  }
}

/** Change the default number (a number already on the bridge); existing invites keep theirs. */
export function setBridgeDefaultNumber(t: TenantData, numberInput: string): void {
  const pn = getNumber(t, numberInput, 'number');
  if (!t.bridge.numbers.includes(pn.number)) fail('E_NOT_ON_BRIDGE', `${pn.number} is not on the conference bridge; ` +
    `add it first`, 'number');
  checkDefault(t, pn.number);
  t.bridge.defaultNumber = pn.number;
}

/** Take a number off the bridge (then it can be released); the default must be changed first. */
export function removeBridgeNumber(t: TenantData, numberInput: string): void {
  const pn = getNumber(t, numberInput, 'number');
  if (!t.bridge.numbers.includes(pn.number)) fail('E_NOT_ON_BRIDGE', `${pn.number} is not on the ` +
    `conference bridge`, 'number');
  if (t.bridge.defaultNumber === pn.number) {
    fail('E_BRIDGE_DEFAULT', `${pn.number} is the bridge's default number; set another default number before ` +
      `removing it`, 'number');
  }
  t.bridge.numbers = t.bridge.numbers.filter((n) => n !== pn.number);
  delete pn.assignedTo;
}

const CONFERENCING_LICENSES = ['AudioConferencingStandard', 'OperatorConnectConferencing'];

/**
 * Schedule a meeting: the invite carries the bridge's default number as it is now. The id and
 * conference ID are derived from the tenant's invite count so a journal replay rebuilds them.
 */
export function scheduleMeeting(t: TenantData, organizer: string, now: number, subject?: string): MeetingInvite {
  const user = getUser(t, organizer, 'organizer');
  t.invites ??= {};
  // A counter, not a count of the invites: scheduling costs the same at 100,000 invites.
  const n = (t.inviteSeq ?? Object.keys(t.invites).length) + 1;
  t.inviteSeq = n;
  const invite: MeetingInvite = { id: `invite-${n}`, organizer: user.upn, createdAt: now, dialIn: null };
  if (subject) invite.subject = subject;
  if (user.licenses.some((l) => CONFERENCING_LICENSES.includes(l))) {
    invite.dialIn = { defaultNumber: t.bridge.defaultNumber ?? null, conferenceId: String(100_000_000 + n * 7919) };
  } else {
    invite.note = `organizer ${user.upn} has no Audio Conferencing license; the invite has no dial-in numbers`;
  }
  t.invites[invite.id] = invite;
  return invite;
}
