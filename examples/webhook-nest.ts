/**
 * Receiving PagoEfectivo payment notifications in a NestJS app (Express platform).
 *
 *   npx tsx examples/webhook-nest.ts
 *
 * Nest parses JSON before any controller runs, so create the app with `rawBody: true` (Nest's
 * documented way to verify webhooks): the parser then keeps the exact bytes on `req.rawBody`, which
 * `toNodeListener` uses. Without it the listener answers 400 `body_not_raw` naming this fix, because a
 * re-serialised body (`150.50` → `150.5`) can never match the signature.
 *
 * The controller hands the untouched `req`/`res` to the listener (`@Res()` tells Nest the route
 * answers by itself). The listener is injected by token, so no `emitDecoratorMetadata` is needed.
 *
 * Run directly, it starts the server on 127.0.0.1 (ephemeral port), issues a code through the
 * in-process fake PagoEfectivo, has the fake "buyer" pay it — the fake POSTs the signed cip.paid
 * notification to this server, as PagoEfectivo would — then sends a forged one, and exits 0.
 * In production: your real client and store, and your public HTTPS URL registered with PagoEfectivo.
 */
import 'reflect-metadata';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Controller, type DynamicModule, Inject, Module, Post, Req, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request as ExpressRequest } from 'express';
import type { WebhookHandler } from '../src/webhooks/index.js';
import { type NodeListener, toNodeListener } from '../src/webhooks/node.js';
import { type DemoServer, runWebhookDemo } from './_webhook-demo.js';

const WEBHOOK_LISTENER = Symbol('PagoEfectivoWebhookListener');

@Controller('webhooks')
class PagoEfectivoWebhookController {
  constructor(@Inject(WEBHOOK_LISTENER) private readonly listener: NodeListener) {}

  @Post('pagoefectivo')
  receive(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    this.listener(req, res);
  }
}

@Module({})
class PagoEfectivoWebhookModule {
  /** The module around one webhook handler (in an app: built from your codes service and secret). */
  static forHandler(handler: WebhookHandler): DynamicModule {
    // Express's req.ip honours your 'trust proxy' setting; the adapter never reads X-Forwarded-For itself.
    const getIp = (req: IncomingMessage): string | undefined => (req as ExpressRequest).ip;
    return {
      module: PagoEfectivoWebhookModule,
      controllers: [PagoEfectivoWebhookController],
      providers: [{ provide: WEBHOOK_LISTENER, useValue: toNodeListener(handler, { getIp }) }],
    };
  }
}

/** Options of {@link startServer}; `rawBody: false` shows the refusal a misconfigured app gets. */
export interface NestServerOptions {
  rawBody?: boolean;
}

/** A Nest app with the webhook route, served on 127.0.0.1; resolves to its URL and a close function. */
export async function startServer(handler: WebhookHandler, options: NestServerOptions = {}): Promise<DemoServer> {
  const app = await NestFactory.create<NestExpressApplication>(PagoEfectivoWebhookModule.forHandler(handler), {
    rawBody: options.rawBody ?? true,
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runWebhookDemo(startServer).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
