// Start-up: read the runtime configuration (config.json beside index.html, so one
// build runs against any gateway), create the Apollo Client, render the app.
import { ApolloProvider } from "@apollo/client/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createApolloClient } from "./apollo";
import { App } from "./App";
import "./styles.css";

interface RuntimeConfig {
  graphqlUrl: string;
}

async function loadConfig(): Promise<RuntimeConfig> {
  const response = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: "no-store" });
  const config = (await response.json()) as Partial<RuntimeConfig>;
  if (typeof config.graphqlUrl !== "string") throw new Error("config.json: graphqlUrl is missing");
  return { graphqlUrl: config.graphqlUrl };
}

const root = createRoot(document.getElementById("root") as HTMLElement);
loadConfig().then(
  ({ graphqlUrl }) => {
    root.render(
      <StrictMode>
        <ApolloProvider client={createApolloClient(graphqlUrl)}>
          <App />
        </ApolloProvider>
      </StrictMode>,
    );
  },
  (error: unknown) => {
    root.render(<p role="alert">Cannot start: {String(error)}</p>);
  },
);
