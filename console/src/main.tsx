import { createRoot } from 'react-dom/client';
import './styles.css';

function Placeholder() {
  return <main>PACScribe console</main>;
}

const root = document.getElementById('root');
if (root) createRoot(root).render(<Placeholder />);
