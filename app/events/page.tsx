import { Suspense } from 'react';
import { EventsView } from '@/components/events/events-view';

export default function EventsPage() {
  return <Suspense><EventsView /></Suspense>;
}
