import { Controller, Get, Optional } from '@nestjs/common';
import { RegistryChecker } from 'nest-service-registry/checker';

/** `GET /registry/checker`: whether this app runs the permanent-instance checker (CHECKER=1) and leads it. */
@Controller('registry/checker')
export class CheckerController {
  constructor(@Optional() private readonly checker?: RegistryChecker) {}

  @Get()
  state(): { running: boolean; leader: boolean; term: string | null } {
    return { running: this.checker !== undefined, leader: this.checker?.isLeader ?? false, term: this.checker?.token ?? null };
  }
}
