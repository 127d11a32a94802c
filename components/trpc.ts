'use client';
// The typed tRPC client for React: `useTRPC()` gives query options for every procedure.
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '@/server/routers/_app';

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();
