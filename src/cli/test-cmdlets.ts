/** The Test-Cs* cmdlets as CLI commands: dial plans, translation rules, inbound blocking. */
import type { Command } from 'commander';
import { loadConfigDir } from '../config/load';
import { testEffectiveTenantDialPlan } from '../routing/dial-plan';
import { testTranslationRules } from '../routing/translation';
import { testBlockedNumber } from '../routing/inbound-blocking';
import { compileSnapshot } from '../routing/snapshot';
import { EXIT } from './exit';
import type { Io } from './main';

/** A configuration folder loaded and compiled: what every command that decides on it starts from. */
export const snapshotOf = (dir: string) => compileSnapshot(loadConfigDir(dir).tenant);

export function addTestCmdlets(
  program: Command, io: Io, configOpt: readonly [string, string, string], setCode: (code: number) => void,
): void {
  program
    .command('dial-plan')
    .description("Test-CsEffectiveTenantDialPlan: what a user's effective dial plan makes of a dialed number")
    .option(...configOpt)
    .requiredOption('--identity <upn>', 'the user whose dial plan applies')
    .requiredOption('--dialed-number <digits>', 'what the user dialed, e.g. 0100')
    .option('--json', 'print the result as JSON')
    .action((o) => {
      const snap = snapshotOf(o.config);
      const r = testEffectiveTenantDialPlan(snap.dialPlans, snap.data, o.identity, o.dialedNumber);
      io.out(
        o.json
          ? JSON.stringify(r, null, 2)
          : [
              `EffectiveTenantDialPlan ${r.effectiveTenantDialPlan}`,
              `TranslatedNumber        ${r.translatedNumber}`,
              `MatchingRule           ` +
                ` ${r.matchingRule ? `${r.matchingRule.name} (${r.matchingRule.pattern} -> ${r.matchingRule.translation})` : '(none)'}`,
              `E.164                   ${r.e164 ?? '(not a phone number)'}`,
              `why                     ${r.explanation}`,
            ].join('\n'),
      );
      setCode(r.e164 ? EXIT.OK : EXIT.REJECTED);
    });

  program
    .command('translation-rules')
    .description('Test-CsTeamsTranslationRule: every translation rule that matches a number, and what it makes of it')
    .option(...configOpt)
    .requiredOption('--phone-number <number>', 'the number to translate')
    .option('--json', 'print the result as JSON')
    .action((o) => {
      const snap = snapshotOf(o.config);
      const r = testTranslationRules(snap.translations, snap.data, o.phoneNumber);
      io.out(
        o.json
          ? JSON.stringify(r, null, 2)
          : r.length
            ? r
                .map(
                  (x) => `${x.identity}: ${x.pattern} -> ${x.translation} makes ${o.phoneNumber} ${x.translatedNumber}`,
                )
                .join('\n')
            : `no translation rule matches ${o.phoneNumber}`,
      );
      setCode(EXIT.OK);
    });

  program
    .command('blocked-number')
    .description('Test-CsInboundBlockedNumberPattern: would an inbound call from this number be blocked?')
    .option(...configOpt)
    .requiredOption('--phone-number <number>', 'the calling number')
    .action((o) => {
      const snap = snapshotOf(o.config);
      const r = testBlockedNumber(snap.blocking, o.phoneNumber);
      io.out(JSON.stringify(r, null, 2));
      setCode(EXIT.OK);
    });
}
