/** A config folder of two tenants on disk: contoso/ (a copy of routes/) and fabrikam/ (one YAML file). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CONTOSO_ID = '3f1c2a9e-5b7d-4e21-9c3a-7d2f1e0b4a66';
export const FABRIKAM_ID = '7a1b2c3d-0000-4000-8000-00000000fab1';

export const FABRIKAM_YAML = `tenant: { id: ${FABRIKAM_ID}, name: Fabrikam, domain: fabrikam.com, defaultRegion: GB }
operators:
  - name: Contoso Telecom
    countries: [GB]
    services: [Calling]
    dataTransferNoticeAccepted: true
    contact: { fullName: Fay Admin, email: fay@fabrikam.com, companySize: "1-99" }
numbers:
  - { number: "+442071234567", operator: Contoso Telecom, type: user }
  - { number: "+442071234500", operator: Contoso Telecom, type: user }
users:
  - upn: fred@fabrikam.com
    displayName: Fred
    licenses: [PhoneSystem]
    phoneNumber: "+442071234567"
`;

/** A temp folder with contoso/ and fabrikam/ sub-folders; removed at teardown. */
export function twoTenantFolder(t: Tap.Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-tenants-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(path.join(__dirname, '..', '..', 'routes'), path.join(dir, 'contoso'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'fabrikam'));
  fs.writeFileSync(path.join(dir, 'fabrikam', 'tenant.yaml'), FABRIKAM_YAML);
  return dir;
}
