# Stage 1 of an outbound call (tenant dial plans): Dave still dials 9 for an outside line, as on
# his old PBX. `ocroute route --from dave@contoso.com --to 92065551234` shows the pipeline: the
# dial plan makes it +12065551234, and his leftover Direct Routing policy
# (30-direct-routing.ps1) sends it to sbc1.
New-CsTenantDialPlan -Identity Redmond -Description "Redmond PBX habits"
New-CsVoiceNormalizationRule -Parent Redmond -Name NineOutside -Pattern '^9(\d{10})$' -Translation '+1$1'
Grant-CsTenantDialPlan -Identity dave@contoso.com -PolicyName Redmond
