import { Controller, Get, Header, HttpCode, Inject, Param, Post, Req, Sse, UseGuards, type MessageEvent, type Type } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { DASHBOARD_SCRIPT } from './assets/dashboard-script.js';
import { DASHBOARD_STYLES } from './assets/dashboard-styles.js';
import { renderDashboardPage } from './assets/dashboard-page.js';
import type { DashboardSnapshot } from './dashboard-snapshot.js';
import type { ResolvedDashboardOptions } from './dashboard.options.js';
import { DashboardState } from './dashboard.state.js';
import { asHttpException } from '../http/registry-error-response.js';

/** Every asset comes from the module itself: no CDN, no inline script. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'self'; form-action 'none'; frame-ancestors 'none'";

/** The path the page was requested at (global prefix included), without query or trailing slash. */
function requestedPath(request: { originalUrl?: string; url?: string }): string {
  return (request.originalUrl ?? request.url ?? '/').replace(/[?#].*$/, '').replace(/\/+$/, '') || '/';
}

/**
 * The dashboard's routes, mounted at `options.path`: the page, its two assets, the data as JSON,
 * the live feed (server-sent events), and drain/undrain of this process's own instances.
 * A class is made per mount because Nest reads the path and guards from class decorators. @internal
 */
export function createDashboardController(options: ResolvedDashboardOptions): Type<unknown> {
  @Controller(options.path)
  @UseGuards(...options.guards)
  class RegistryDashboardController {
    constructor(@Inject(DashboardState) private readonly state: DashboardState) {}

    @Get()
    @Header('Content-Type', 'text/html; charset=utf-8')
    @Header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    @Header('Cache-Control', 'no-store')
    page(@Req() request: { originalUrl?: string; url?: string }): string {
      return renderDashboardPage(requestedPath(request));
    }

    @Get('dashboard.js')
    @Header('Content-Type', 'text/javascript; charset=utf-8')
    script(): string {
      return DASHBOARD_SCRIPT;
    }

    @Get('dashboard.css')
    @Header('Content-Type', 'text/css; charset=utf-8')
    styles(): string {
      return DASHBOARD_STYLES;
    }

    @Get('state')
    @Header('Cache-Control', 'no-store')
    snapshot(): Promise<DashboardSnapshot> {
      return this.state.current();
    }

    @Sse('events')
    events(): Observable<MessageEvent> {
      return this.state.snapshots$.pipe(map((data) => ({ type: 'snapshot', data })));
    }

    @Post('instances/:id/drain')
    @HttpCode(200)
    drain(@Param('id') id: string): Promise<DashboardSnapshot> {
      return this.setStatus(id, 'OUT_OF_SERVICE');
    }

    @Post('instances/:id/undrain')
    @HttpCode(200)
    undrain(@Param('id') id: string): Promise<DashboardSnapshot> {
      return this.setStatus(id, 'UP');
    }

    private setStatus(id: string, status: 'UP' | 'OUT_OF_SERVICE'): Promise<DashboardSnapshot> {
      return this.state.setStatus(id, status).catch((error: unknown) => {
        throw asHttpException(error);
      });
    }
  }
  return RegistryDashboardController;
}
