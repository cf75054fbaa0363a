import { GuardError } from '../errors.js';
import type { CashCodeProvider, ProviderOperation } from '../model/provider.js';

/**
 * The refusal of an operation the provider declared unsupported (`provider.supports`): typed, so that
 * a merchant switching providers learns at once what no longer works instead of losing it silently.
 */
export function unsupported(provider: CashCodeProvider, operation: ProviderOperation, what: string): GuardError {
  const name = provider.provider ?? 'the provider';
  return new GuardError(
    'provider_operation_unsupported',
    `${name} does not support ${operation}; ${what} (docs/providers.md lists what each provider supports).`,
    { details: { provider: provider.provider ?? null, operation } },
  );
}
