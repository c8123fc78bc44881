/** Calls of every kind on the shipped tenant (routes/): meeting, user (OC and Direct Routing), inbound. */
import type { Call } from '../../src/routing/types';

export const SAMPLE_CALLS: Call[] = [
  { kind: 'meeting', from: 'mary@contoso.com', to: '+442071234567' },
  { kind: 'meeting', from: 'olga@contoso.com', to: '+14255551234' },
  { kind: 'user', from: 'dave@contoso.com', to: '+12065550123' },
  { kind: 'user', from: 'john@contoso.com', to: '+14255551234' },
  { kind: 'inbound', from: '+15551234567', to: '+14255550150' }, { kind: 'inbound', to: '+14255550177' },
];
