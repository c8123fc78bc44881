# Seed 002: send outbound calls from Teams meetings through an operator.
# Step 1: add strings to the Online PSTN Usage policy
Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="International"}
Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="US and Canada","Scratch"}
Set-CsOnlinePstnUsage Global -Usage @{Remove="Scratch"}

# Step 2: voice routes. Redmond and Seattle through Contoso Telecom's bridge number...
New-CsOnlineVoiceRoute -Identity "Redmond Seattle" -NumberPattern "^\+1(425|206)(\d{7})$" `
    -OnlinePstnUsages "US and Canada" -BridgeSourcePhoneNumber +14255550100 `
    -Description 'Seed 002 example: +1 425 XXX XX XX or +1 206 XXX XX XX'
New-CsOnlineVoiceRoute -Identity "North America" -NumberPattern '^\+1(\d{10})$' `
    -OnlinePstnUsages "US and Canada" -BridgeSourcePhoneNumber +12065550100
# ...and everything else through Infobip ("\d+" matches all outbound calls).
New-CsOnlineVoiceRoute -Identity "International" -NumberPattern "\d+" -OnlinePstnUsages "International" -BridgeSourcePhoneNumber +12065550100
New-CsOnlineVoiceRoute -Identity "Scratch route" -NumberPattern "^\+99" -OnlinePstnUsages "International"
Set-CsOnlineVoiceRoute -Identity "Scratch route" -Description "made to be removed"
Remove-CsOnlineVoiceRoute -Identity "Scratch route"

# Step 3: Audio Conferencing Routing policies (positional Identity, as in the docs)
New-CsOnlineAudioConferencingRoutingPolicy "International Policy" -OnlinePstnUsages "US and Canada","International"
New-CsOnlineAudioConferencingRoutingPolicy "US Only" -OnlinePstnUsages "US and Canada"

# Step 4: grant per organizer, and a Global default for everyone else
Grant-CsOnlineAudioConferencingRoutingPolicy -Identity mary@contoso.com -PolicyName "International Policy"
Grant-CsOnlineAudioConferencingRoutingPolicy -Global -PolicyName "US Only"
