/**
 * "My operators" (seed 000 "Manage your operators"): edit an operator's countries and contact,
 * suspend and resume it, remove it. Removal, from the organization or from one country, is
 * refused while any of its numbers is assigned there or still in the tenant: the admin must
 * unassign them and the operator must release them first.
 */
import { refuse } from '../errors';
import { getOperator } from './directory';
import type { Operator, OperatorContact, PhoneNumber, TenantData } from './types';

const fail = refuse;

function numbersOf(t: TenantData, op: Operator, country?: string): PhoneNumber[] {
  return Object.values(t.numbers).filter((n) => n.operator === op.name && (!country || n.country === country));
}

/** Why `op` cannot leave (the organization, or one country); undefined when it can. */
function blockers(t: TenantData, op: Operator, country?: string): string | undefined {
  const nums = numbersOf(t, op, country);
  if (!nums.length) return undefined;
  const where = country ? `in ${country}` : 'in this organization';
  const assigned = nums.filter((n) => n.assignedTo);
  const list = (xs: PhoneNumber[]) =>
    xs
      .slice(0, 3)
      .map((n) => n.number)
      .join(', ') + (xs.length > 3 ? ` and ${xs.length - 3} more` : '');
  if (assigned.length) {
    return `${assigned.length} of its numbers ${where} ${assigned.length === 1 ? 'is' : 'are'} assigned ` +
      `(${list(assigned)}); unassign them, then ask '${op.name}' to release them`;
  }
  return `${nums.length} of its numbers ${where} ${nums.length === 1 ? 'is' : 'are'} still in the tenant ` +
    `(${list(nums)}); ask '${op.name}' to release them`;
}

/** Manage operator services by country: countries may be added freely, removed only when empty. */
export function setOperatorCountries(t: TenantData, name: string, countries: string[]): Operator {
  const op = getOperator(t, name, 'name');
  const next = [...new Set(countries.map((c) => c.toUpperCase()))];
  if (!next.length) fail('E_COUNTRY', `operator '${op.name}' needs at least one country; remove the ` +
    `operator instead`, 'countries');
  for (const gone of op.countries.filter((c) => !next.includes(c))) {
    const why = blockers(t, op, gone);
    if (why) fail('E_OPERATOR_IN_USE', `operator '${op.name}' cannot be removed from ${gone}: ${why}`, 'countries');
  }
  op.countries = next;
  return op;
}

export function setOperatorContact(t: TenantData, name: string, contact: OperatorContact): Operator {
  const op = getOperator(t, name, 'name');
  if (!contact.fullName || !contact.email || !contact.companySize) {
    fail('E_CONTACT', `operator '${op.name}' contact needs fullName, email and companySize`, 'contact');
  }
  op.contact = { ...contact };
  return op;
}

/** Suspended: numbers stay where they are, but no new calls go through it and none are assigned. */
export function suspendOperator(t: TenantData, name: string): Operator {
  const op = getOperator(t, name, 'name');
  if (op.status === 'Suspended') fail('E_STATE', `operator '${op.name}' is already suspended`, 'name');
  op.status = 'Suspended';
  return op;
}

export function resumeOperator(t: TenantData, name: string): Operator {
  const op = getOperator(t, name, 'name');
  if (op.status !== 'Suspended') fail('E_STATE', `operator '${op.name}' is not suspended`, 'name');
  op.status = 'Active';
  return op;
}

export function removeOperator(t: TenantData, name: string): void {
  const op = getOperator(t, name, 'name');
  const why = blockers(t, op);
  if (why) fail('E_OPERATOR_IN_USE', `operator '${op.name}' cannot be removed: ${why}`, 'name');
  delete t.operators[op.name];
}
