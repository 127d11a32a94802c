import { Suspense } from 'react';
import { SlicesView } from '@/components/slices/slices-view';

export default function SlicesPage() {
  return <Suspense><SlicesView /></Suspense>;
}
