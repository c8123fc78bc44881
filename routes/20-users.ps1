# Seed 000: assign Operator Connect numbers
Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber +14255550101
Set-CsPhoneNumberAssignment -Identity sam@contoso.com -PhoneNumber +14255550150 -PhoneNumberType OCMobile

# Seed 001: mobility policies - which dialer rings first on the SIM-enabled phone
New-CsTeamsMobilityPolicy -identity TeamsFirst -MobileDialerPreference Teams
New-CsTeamsMobilityPolicy -identity NativeFirst -MobileDialerPreference Native
Grant-CsTeamsMobilityPolicy NativeFirst -Identity sam@contoso.com
Get-CsTeamsMobilityPolicy
