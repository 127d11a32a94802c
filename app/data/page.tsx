import { Suspense } from 'react';
import { DataExplorer } from '@/components/data/data-explorer';

export default function DataPage() {
  return <Suspense><DataExplorer /></Suspense>;
}
