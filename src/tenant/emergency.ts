/**
 * Emergency addresses (seed 000): the operator picks one of three scenarios per number —
 *  - operatorAssigned: the operator sets the address and the admin may change it later;
 *  - adminAssigned: the operator leaves it to the admin;
 *  - operatorLocked: the operator sets it and only the operator may change it.
 */
import { OcrouteError } from '../errors';
import { getNumber } from './directory';
import { own, type EmergencyAddressMode, type LisLocation, type PhoneNumber, type TenantData } from './types';

export const EMERGENCY_MODES: EmergencyAddressMode[] = ['operatorAssigned', 'adminAssigned', 'operatorLocked'];

/** The scenario a number was uploaded with: explicit, else implied by whether the operator gave an address. */
export function emergencyMode(pn: PhoneNumber): EmergencyAddressMode {
  return pn.emergencyAddressMode ?? (pn.emergencyAddress && pn.operator ? 'operatorAssigned' : 'adminAssigned');
}

export function setEmergencyAddress(
  t: TenantData, numberInput: string, address: string | null, by: 'admin' | 'operator', field = 'emergencyAddress',
): PhoneNumber {
  const pn = getNumber(t, numberInput);
  const mode = emergencyMode(pn);
  if (by === 'admin' && mode === 'operatorLocked') {
    throw new OcrouteError(
      'E_EMERGENCY_LOCKED',
      `the emergency address of ${pn.number} is assigned and locked by operator '${pn.operator}'; contact your ` +
        `operator to change it`,
      { field },
    );
  }
  if (by === 'operator' && mode === 'adminAssigned') {
    throw new OcrouteError(
      'E_EMERGENCY_ADMIN',
      `the emergency address of ${pn.number} is assigned by the tenant ` +
        `admin in the Teams admin center, not by the operator`,
      { field },
    );
  }
  if (address === null) {
    if (mode === 'operatorLocked')
      throw new OcrouteError(
        'E_EMERGENCY_LOCKED', `${pn.number} must keep an emergency address while the operator locks it`, { field },
      );
    delete pn.emergencyAddress;
  } else {
    if (!address.trim()) throw new OcrouteError('E_VALUE', 'an emergency address cannot be empty', { field });
    pn.emergencyAddress = address;
  }
  return pn;
}

/** An emergency location with its address (New-CsOnlineLisLocation); its ID joins tenant.locations. */
export function addLisLocation(t: TenantData, l: LisLocation): void {
  if (own(t.lisLocations ?? {}, l.locationId)) throw new OcrouteError('E_EXISTS', `location ${l.locationId} is ` +
    `listed twice`, { field: 'locationId' });
  t.lisLocations = { ...t.lisLocations, [l.locationId]: { ...l } };
  t.tenant.locations = [...new Set([...(t.tenant.locations ?? []), l.locationId])];
}
