/**
 * Inbound call blocking cmdlets as their reference pages document them:
 * New-/Set-/Remove-CsInboundBlockedNumberPattern, New-/Set-/Remove-CsInboundExemptNumberPattern,
 * Set-CsTenantBlockedCallingNumbers.
 */
import { OcrouteError } from '../../errors';
import * as ib from '../../tenant/inbound-blocking';
import type { ParamSpec } from './binder';
import { identity0, S, str, type Args, type CmdletSpec } from './cmdlet-kit';

const params = (create: boolean): ParamSpec[] => [
  { name: 'Identity', type: 'string', position: 0, required: !create }, S('Name'), S('Pattern'), S('Description'),
  { name: 'Enabled', type: 'bool' }, S('ResourceAccount', { nullable: true, ref: 'resourceAccountObjectId' }),
];

/** -Identity or -Name (New- takes either; the Name becomes the Identity). */
function input(a: Args): ib.InboundPatternInput {
  const identity = str(a, 'Identity') ?? str(a, 'Name');
  if (identity === undefined) throw new OcrouteError('E_PS1_PARAM', 'give -Identity or -Name', { field: '-Identity' });
  return {
    identity, pattern: str(a, 'Pattern'), description: str(a, 'Description'),
    enabled: a.Enabled as boolean | undefined, resourceAccount: a.ResourceAccount as string | null | undefined,
  };
}

function family(noun: string, list: ib.PatternList): CmdletSpec[] {
  return [
    {
      name: `New-Cs${noun}`,
      params: params(true),
      run: (t, a) => {
        ib.newInboundPattern(t, list, input(a));
      },
    },
    {
      name: `Set-Cs${noun}`,
      params: params(false),
      run: (t, a) => {
        ib.setInboundPattern(t, list, input(a));
      },
    },
    {
      name: `Remove-Cs${noun}`, params: [identity0],
      run: (t, a) => ib.removeInboundPattern(t, list, a.Identity as string),
    },
  ];
}

export const INBOUND_CMDLETS: CmdletSpec[] = [
  ...family('InboundBlockedNumberPattern', 'inboundBlockedNumberPatterns'),
  ...family('InboundExemptNumberPattern', 'inboundExemptNumberPatterns'),
  {
    name: 'Set-CsTenantBlockedCallingNumbers',
    params: [{ name: 'Identity', type: 'string', position: 0 }, { name: 'Enabled', type: 'bool' }, S('Name')],
    run: (t, a) => {
      if (a.Identity !== undefined && String(a.Identity).toLowerCase() !== 'global') {
        throw new OcrouteError(
          'E_VALUE',
          `the tenant has one blocked calling numbers setting, Global, not '${a.Identity}'`,
          {
            field: '-Identity',
          },
        );
      }
      if (a.Enabled !== undefined) ib.setTenantBlockedCallingNumbers(t, a.Enabled as boolean);
    },
  },
];
