import { z } from 'zod';

export const PerimeterSchema = z
  .object({
    id: z.string().min(1).max(512),
    name: z.string().max(4096).optional(),
    allowedDatacenters: z.array(z.string().max(512)).optional(),
    allowedClusters: z.array(z.string().max(512)).optional(),
    allowedHosts: z.array(z.string().max(512)).optional(),
    allowedNetworks: z.array(z.string().max(512)).optional(),
    /** Higher is more trusted; VMs of different trust levels must not share a host. */
    trustLevel: z.number().int().min(0).max(10).optional(),
    /**
     * Declared a production perimeter (or, with false, declared not one whatever its name says): what
     * `sprawl.template-in-production` reads before falling back to the words in the perimeter's id and name.
     */
    production: z.boolean().optional(),
  })
  .strict();

export type Perimeter = z.infer<typeof PerimeterSchema>;
