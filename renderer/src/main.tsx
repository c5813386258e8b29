import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { ApiProvider } from './workbench/api-context.js';
import { createClient } from './api/index.js';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApiProvider client={createClient()}>
      <App />
    </ApiProvider>
  </StrictMode>,
);
