import { Suspense } from 'react';
import { DrivesView } from '@/components/drives/drives-view';

export default function DrivesPage() {
  return <Suspense><DrivesView /></Suspense>;
}
