// The entry point: the shop is in this chunk; the back office (and its dashboard) is loaded on demand
// when a /gestion page is opened, so that the shop's first load stays small (ADR 0081).
import { render, type ComponentType } from 'preact';
import { signal } from '@preact/signals';
import { location, onLinkClick } from './router';
import { Shop } from './shop/Shop';
import { t } from './strings';
import './styles.css';

const office = signal<ComponentType | null>(null);
const officeError = signal<unknown>(null);

function loadOffice() {
  if (office.value) return;
  import('./backoffice/Office').then(
    (m) => {
      office.value = m.Office;
    },
    (e) => {
      officeError.value = e;
    },
  );
}

function App() {
  const inOffice = location.value.path === '/gestion' || location.value.path.startsWith('/gestion/');
  if (!inOffice) return <Shop />;
  loadOffice();
  const Office = office.value;
  if (Office) return <Office />;
  return (
    <main id="main">
      <p role={officeError.value ? 'alert' : 'status'}>{officeError.value ? t.errors.network : t.loading}</p>
    </main>
  );
}

document.addEventListener('click', onLinkClick);
render(<App />, document.getElementById('app') as HTMLElement);
