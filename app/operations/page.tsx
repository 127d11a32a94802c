import { OperationsView } from '@/components/operations/operations-view';

export default function OperationsPage() {
  return <OperationsView />;
}
