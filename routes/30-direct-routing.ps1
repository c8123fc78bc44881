# Seed 000 "Move numbers from Direct Routing to Operator Connect", including its pitfall:
# Dave's old Direct Routing set-up (usage + voice routing policy) is still in place.
Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="Legacy SBC"}
New-CsOnlineVoiceRoute -Identity "Legacy SBC" -NumberPattern "^\+1206" -OnlinePstnUsages "Legacy SBC" `
    -OnlinePstnGatewayList sbc1.contoso.com, sbc2.contoso.com -Priority 0
New-CsOnlineVoiceRoutingPolicy "Legacy DR" -OnlinePstnUsages "Legacy SBC"
Grant-CsOnlineVoiceRoutingPolicy -Identity dave@contoso.com -PolicyName "Legacy DR"

# Step 1: remove the on-premises line URI, then assign the Operator Connect number.
Get-CsOnlineUser -Identity dave@contoso.com | select OnPremLineURI
Set-CsUser -Identity dave@contoso.com -OnPremLineURI $null
Set-CsOnlineVoiceUser -Identity dave@contoso.com -TelephoneNumber +14255550102
# Step 2 (remove the PSTN usages) is deliberately NOT done here: calls from Dave to +1 206
# still go to sbc1.contoso.com. `ocroute route --from dave@contoso.com --to +12065550123`
# shows it. Uncomment to finish the migration:
# Grant-CsOnlineVoiceRoutingPolicy -Identity dave@contoso.com -PolicyName $Null
