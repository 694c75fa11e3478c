/**
 * Stack config that points a stack at a vendor emulator, as `pulumi config set` would write it:
 * the one place the engine tests spell these keys.
 */
export type StackConfig = Record<string, { value: string; secret?: boolean }>;

export function scmConfig(e: any): StackConfig {
  return {
    "trustplane:scmClientId": { value: e.clientId },
    "trustplane:scmClientSecret": { value: e.clientSecret, secret: true },
    "trustplane:scmTsgId": { value: e.tsgId },
    "trustplane:scmTokenUrl": { value: e.tokenUrl },
    "trustplane:scmApiUrl": { value: e.apiUrl },
  };
}

export function czertainlyConfig(c: any): StackConfig {
  return {
    "trustplane:czertainlyUrl": { value: c.url },
    "trustplane:czertainlyToken": { value: c.token, secret: true },
  };
}

export function vcfConfig(v: any): StackConfig {
  return {
    "trustplane:vcfHost": { value: v.host },
    "trustplane:vcfUsername": { value: v.username },
    "trustplane:vcfPassword": { value: v.password, secret: true },
  };
}

export function cxifConfig(x: any): StackConfig {
  return {
    "trustplane:cxifHost": { value: x.url },
    "trustplane:cxifTokenUrl": { value: x.tokenUrl },
    "trustplane:cxifClientId": { value: x.clientId },
    "trustplane:cxifClientSecret": { value: x.clientSecret, secret: true },
  };
}

export function nevisidmConfig(n: any, token: string): StackConfig {
  return {
    "trustplane:nevisidmUrl": { value: n.url },
    "trustplane:nevisidmToken": { value: token, secret: true },
  };
}
