/* The catalogue import page: poll the import's status while it is checked or imported, move the
   progress bar, and reload the page (with its report) once the work is over. */
this.ckan.module('thgov-catalog-import', function ($) {
  return {
    initialize: function () {
      var run = this.el;
      if (run.data('busy') !== true && run.data('busy') !== 'true') { return; }
      var url = run.data('status-url');
      var bar = run.find('.progress-bar');
      var text = run.find('.thgov-catalog-progress');
      // the page's language: the server renders both sentences (with {done} and {total})
      var checking = run.data('checking-text');
      var importing = run.data('importing-text');
      var poll = function () {
        $.getJSON(url).done(function (answer) {
          var result = answer.result;
          // a new stage (checked, importing, done...): the server renders its page and report
          if (result.status !== String(run.data('status'))) {
            window.location.reload();
            return;
          }
          var percent = result.total ? Math.round(result.done * 100 / result.total) : 0;
          bar.css('width', percent + '%');
          bar.parent().attr('aria-valuenow', percent);
          var template = result.status === 'checking' ? checking : importing;
          text.text(template.replace('{done}', result.done).replace('{total}', result.total || '?'));
          window.setTimeout(poll, 1000);
        }).fail(function () { window.setTimeout(poll, 3000); });
      };
      window.setTimeout(poll, 500);
    }
  };
});
