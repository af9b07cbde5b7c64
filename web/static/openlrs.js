// openlrs.js - start GOV.UK Frontend's components (progressive
// enhancement only: every page works without this script).
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
